"""The app's own outgoing requests reach public networks only, within time, size and redirect
limits, with a message a person can act on when they fail."""

import http.server
import ipaddress
import socket
import threading

import pytest

from factcheck import outgoing
from factcheck.outgoing import OutgoingRefused, fetch, parse_networks, post

LOCAL = parse_networks("127.0.0.0/8")


class Pages(http.server.BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/story":
            self._send(200, "text/html; charset=utf-8", "<html><body><p>Héllo</p></body></html>")
        elif self.path == "/moved":
            self._redirect("/story")
        elif self.path == "/to-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif self.path == "/loop":
            self._redirect("/loop")
        elif self.path == "/huge":
            self._send(200, "text/html", "x" * 300_000)
        elif self.path == "/huge-undeclared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(30):
                self.wfile.write(b"y" * 10_000)
        elif self.path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(20):
                self.wfile.write(b"<p>more</p>")
                self.wfile.flush()
                threading.Event().wait(0.1)
        elif self.path == "/slow":
            threading.Event().wait(2)
            self._send(200, "text/html", "late")
        else:
            self._send(404, "text/html", "no")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        Pages.received.append((self.path, self.rfile.read(length)))
        self._send(202, "text/plain", "thanks")

    def _send(self, status, media, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, to):
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that gave up (the timeout test) is expected


@pytest.fixture(scope="module")
def site():
    server = QuietServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_page_on_an_allowed_network_is_fetched_and_redirects_followed(site):
    page = fetch(f"{site}/moved", allowed=LOCAL)
    assert page.status == 200
    assert page.url == f"{site}/story"
    assert page.content_type == "text/html"
    assert page.body.decode(page.charset) == "<html><body><p>Héllo</p></body></html>"


def test_loopback_is_refused_unless_allowed(site):
    with pytest.raises(OutgoingRefused, match="private or local network"):
        fetch(f"{site}/story")


def test_a_name_that_resolves_to_loopback_is_refused(site):
    port = site.rsplit(":", 1)[1]
    with pytest.raises(OutgoingRefused, match=r"private or local network \(127\.0\.0\.1\)"):
        fetch(f"http://localhost:{port}/story")


@pytest.mark.parametrize(
    "address",
    ["10.1.2.3", "192.168.0.1", "172.16.5.5", "169.254.169.254", "::1", "fe80::1", "fc00::1",
     "::ffff:127.0.0.1", "0.0.0.0", "100.64.0.1", "224.0.0.1"],
)
def test_non_public_addresses_are_refused(address):
    assert outgoing.address_refusal(ipaddress.ip_address(address)) is not None


def test_public_addresses_pass():
    for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"):
        assert outgoing.address_refusal(ipaddress.ip_address(address)) is None


def test_a_redirect_to_a_private_address_is_refused(site):
    with pytest.raises(OutgoingRefused, match="169.254.169.254"):
        fetch(f"{site}/to-metadata", allowed=LOCAL)


def test_dns_rebinding_is_checked_where_the_connection_is_made(site, monkeypatch):
    """The name is resolved again when connecting; a second answer pointing inside is refused."""
    port = int(site.rsplit(":", 1)[1])
    answers = iter(["93.184.216.34", "127.0.0.1"])
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "news.example.org":
            ip = next(answers, "127.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    outgoing.resolve_checked("news.example.org", port)  # first answer: public, passes
    with pytest.raises(OutgoingRefused, match="127.0.0.1"):
        fetch(f"http://news.example.org:{port}/story")


def test_too_many_redirects_stop(site):
    with pytest.raises(OutgoingRefused, match="redirected more than 5 times"):
        fetch(f"{site}/loop", allowed=LOCAL)


def test_a_page_over_the_size_cap_is_abandoned(site):
    with pytest.raises(OutgoingRefused, match="larger than"):
        fetch(f"{site}/huge", allowed=LOCAL, max_bytes=100_000)
    with pytest.raises(OutgoingRefused, match="larger than"):
        fetch(f"{site}/huge-undeclared", allowed=LOCAL, max_bytes=100_000)


def test_a_slow_page_times_out(site):
    with pytest.raises(OutgoingRefused, match="longer than 0.5 seconds"):
        fetch(f"{site}/slow", allowed=LOCAL, timeout=0.5)


def test_a_page_that_trickles_in_is_abandoned_at_the_deadline(site):
    """Each read arrives within the timeout, but the whole page would take two seconds."""
    with pytest.raises(OutgoingRefused, match="longer than 0.5 seconds to arrive"):
        fetch(f"{site}/trickle", allowed=LOCAL, timeout=1, deadline=0.5)
    assert fetch(f"{site}/trickle", allowed=LOCAL, timeout=1, deadline=5).body.count(b"more") == 20


def test_missing_page_and_unreachable_server_say_so(site):
    with pytest.raises(OutgoingRefused, match="404 Not Found"):
        fetch(f"{site}/nothing-here", allowed=LOCAL)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(OutgoingRefused, match="could not be reached"):
        fetch(f"http://127.0.0.1:{closed_port}/", allowed=LOCAL)


@pytest.mark.parametrize(
    "address, message",
    [
        ("file:///etc/passwd", "Only http:// and https://"),
        ("ftp://example.org/x", "Only http:// and https://"),
        ("http://user:secret@example.org/", "user name or password"),
        ("http://no-such-host.invalid/", "could not be found"),
    ],
)
def test_addresses_that_are_not_fetched(address, message):
    with pytest.raises(OutgoingRefused, match=message):
        fetch(address)


def test_post_reaches_an_allowed_receiver_and_is_refused_elsewhere(site):
    status, text = post(f"{site}/hook", b'{"a": 1}', {"Content-Type": "application/json"}, allowed=LOCAL)
    assert (status, text) == (202, "thanks")
    assert Pages.received[-1] == ("/hook", b'{"a": 1}')
    with pytest.raises(OutgoingRefused, match="private or local"):
        post(f"{site}/hook", b"{}", {})


def test_allowed_networks_setting_is_read_and_checked():
    assert parse_networks("127.0.0.1/32, 10.0.0.0/8") == (
        ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8"))
    assert parse_networks("") == ()
    with pytest.raises(ValueError, match="'intranet' is not a network"):
        parse_networks("intranet")
