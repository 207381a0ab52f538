"""Requests the app itself makes (articles fetched from a link, webhook deliveries): http(s) only,
to public networks only, bounded in time, size and redirects.

The address check happens where the connection is made, not before it: the guarded network
backend resolves the host, refuses the whole name if any address it resolves to is private,
loopback, link-local or otherwise not global (unless it lies in an allowed network, for tests and
intranets), and connects to the address it checked. A name that resolves to a public address when
checked and a private one when connecting (DNS rebinding) therefore never reaches the private one,
and every redirect hop goes through the same check. Proxies from the environment are ignored, so
no setting routes a request around it.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

import httpcore
import httpx

from .links import web_address_problem

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

USER_AGENT = "factcheck (newsroom fact-check tracker)"


class OutgoingRefused(Exception):
    """The request was not made, or failed; `message` is written for the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_networks(spec: str | Iterable[str] | None) -> tuple[Network, ...]:
    """FETCH_ALLOWED_NETWORKS: CIDR blocks separated by commas or spaces ('127.0.0.1/32, 10.0.0.0/8'),
    or a list of them. An entry that is not a network raises ValueError naming it."""
    if not spec:
        return ()
    items = spec.replace(",", " ").split() if isinstance(spec, str) else list(spec)
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"FETCH_ALLOWED_NETWORKS: {item!r} is not a network ({exc})") from exc
    return tuple(networks)


def address_refusal(address: IPAddress, allowed: tuple[Network, ...] = ()) -> str | None:
    """Why the app will not connect to this address (None when it will)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address.version == net.version and address in net for net in allowed):
        return None
    if address.is_global and not address.is_multicast:
        return None
    return (
        f"This address leads to a private or local network ({address}), which factcheck does not "
        "connect to. Use the public address of the page."
    )


def resolve_checked(host: str, port: int, allowed: tuple[Network, ...] = ()) -> list[str]:
    """Every address `host` resolves to, after checking them all; raises OutgoingRefused when the
    name does not resolve or any address is refused (a name with one private address among public
    ones is refused whole)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise OutgoingRefused(f"The server {host} could not be found. Check the address.") from None
    addresses = []
    for info in infos:
        text = info[4][0].split("%", 1)[0]
        address = ipaddress.ip_address(text)
        problem = address_refusal(address, allowed)
        if problem:
            raise OutgoingRefused(problem)
        if text not in addresses:
            addresses.append(text)
    return addresses


class _GuardedBackend(httpcore.SyncBackend):
    """httpcore's own socket backend, connecting only to addresses that passed the check."""

    def __init__(self, allowed: tuple[Network, ...]):
        self.allowed = allowed

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last_error: Exception | None = None
        for address in resolve_checked(host, port, self.allowed):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last_error = exc
        raise last_error or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, *args, **kwargs):  # pragma: no cover - never configured
        raise OutgoingRefused("Local sockets are not reachable from factcheck.")


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every request: loading the system's certificates takes
    about 60 ms, which a context per request (webhook deliveries come by the thousand) repeated."""
    return ssl.create_default_context()


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, allowed: tuple[Network, ...]):
        super().__init__(trust_env=False, verify=_tls_context())
        # httpx builds its pool without a way to pass a network backend; replace it with an
        # identical pool that uses the guarded one (TLS still verifies the host name).
        self._pool = httpcore.ConnectionPool(
            ssl_context=_tls_context(),
            network_backend=_GuardedBackend(allowed),
        )


def client(allowed: tuple[Network, ...] = (), timeout: float = 10.0) -> httpx.Client:
    """An httpx client whose every connection is guarded; redirects are not followed by it."""
    return httpx.Client(
        transport=_GuardedTransport(allowed),
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
    )


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str  # the media type alone, lower case ('text/html')
    charset: str | None
    body: bytes


REDIRECTS = (301, 302, 303, 307, 308)


def fetch(
    url: str,
    *,
    allowed: tuple[Network, ...] = (),
    max_bytes: int = 5 * 1024 * 1024,
    max_redirects: int = 5,
    timeout: float = 10.0,
    deadline: float | None = None,
) -> Fetched:
    """GET `url`, following at most `max_redirects` redirects, each checked like the first; the body
    is read up to `max_bytes` and the request abandoned beyond it. `timeout` bounds each wait
    (connecting, each read); `deadline` (default twice `timeout`) bounds the whole fetch, redirects
    and a page that trickles in included, so a request never outlasts the web worker. Raises
    OutgoingRefused with a message for the person who gave the address."""
    current = url
    total = deadline if deadline is not None else 2 * timeout
    ends = time.monotonic() + total
    late = OutgoingRefused(
        f"The page took longer than {total:g} seconds to arrive. Try again later, or paste the "
        "text instead."
    )
    with client(allowed, timeout) as http:
        for _hop in range(max_redirects + 1):
            problem = web_address_problem(current)
            if problem:
                raise OutgoingRefused(problem)
            left = ends - time.monotonic()
            if left <= 0:
                raise late
            wait = httpx.Timeout(min(timeout, left), connect=min(timeout, 5.0, left))
            try:
                with http.stream(
                    "GET", current, headers={"Accept": "text/html,*/*;q=0.5"}, timeout=wait
                ) as response:
                    if response.status_code in REDIRECTS and response.headers.get("location"):
                        current = urljoin(current, response.headers["location"])
                        continue
                    if response.status_code >= 400:
                        phrase = response.reason_phrase or "error"
                        raise OutgoingRefused(
                            f"The page answered {response.status_code} {phrase}. "
                            "Check the address, or paste the text instead."
                        )
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise OutgoingRefused(_too_large(max_bytes))
                    chunks, size = [], 0
                    for chunk in response.iter_bytes():
                        if time.monotonic() > ends:
                            raise late
                        size += len(chunk)
                        if size > max_bytes:
                            raise OutgoingRefused(_too_large(max_bytes))
                        chunks.append(chunk)
                    media = response.headers.get("content-type", "")
                    return Fetched(
                        url=str(response.url),
                        status=response.status_code,
                        content_type=media.split(";", 1)[0].strip().lower(),
                        charset=response.charset_encoding,
                        body=b"".join(chunks),
                    )
            except httpx.TimeoutException:
                raise OutgoingRefused(
                    f"The page took longer than {timeout:g} seconds to answer. Try again later, "
                    "or paste the text instead."
                ) from None
            except httpx.TransportError as exc:
                raise OutgoingRefused(
                    f"The page could not be reached ({_reason(exc)}). Check the address, or paste "
                    "the text instead."
                ) from None
    raise OutgoingRefused(f"The page redirected more than {max_redirects} times; paste the text instead.")


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allowed: tuple[Network, ...] = (),
    timeout: float = 10.0,
) -> tuple[int, str]:
    """POST `body` to `url` (redirects are not followed: a webhook answers where it was registered).
    Returns the status code and the first 1,000 characters of the answer; raises OutgoingRefused
    when no answer came."""
    problem = web_address_problem(url)
    if problem:
        raise OutgoingRefused(problem)
    try:
        with client(allowed, timeout) as http:
            response = http.post(url, content=body, headers=headers)
            return response.status_code, response.text[:1000]
    except httpx.TimeoutException:
        raise OutgoingRefused(f"No answer within {timeout:g} seconds.") from None
    except httpx.TransportError as exc:
        raise OutgoingRefused(f"Could not connect ({_reason(exc)}).") from None


def _too_large(max_bytes: int) -> str:
    return (
        f"The page is larger than {max_bytes / 1024 / 1024:g} MB, more than factcheck reads from "
        "a link; paste the article's text instead."
    )


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 120 else text[:117] + "…"
