"""The lockout scenario against gunicorn behind a (simulated) proxy: an attacker spends hundreds
of failed sign-ins on the owner's account and on made-up ones, from many addresses, in
parallel; then the owner signs in from the browser they used before, a new browser tries the
owner's account, and a colleague signs in from another address.

    .venv/bin/python bench/throttle.py [--workers 5] [--attempts 300] [--clients 10]
    .venv/bin/python bench/throttle.py --postgres [ADMIN_URL]

It serves factcheck with FACTCHECK_ENV=production and TRUSTED_PROXIES=1 and sends
X-Forwarded-For as one proxy would. It uses a fresh SQLite file in a temporary folder, or with
--postgres a throwaway database that it creates on that server and drops after.
"""

import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECRET = "bench-secret-key-long-enough-for-production-0123456789"
PASSWORD = "the owner's long password"
PORT = 8093
OWNER, COLLEAGUE = "owner@bench.example.org", "colleague@bench.example.org"


def prepare(url: str) -> None:
    from factcheck import create_app
    from factcheck.extensions import db
    from factcheck.models import Role, User
    from factcheck.ratings import install_default_scale
    from factcheck.security import hash_password

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        db.create_all()
        install_default_scale()
        for email, name in ((OWNER, "Owner"), (COLLEAGUE, "Colleague")):
            db.session.add(User(email=email, name=name, role=Role.EDITOR, password_hash=hash_password(PASSWORD)))
        db.session.commit()
        db.engine.dispose()


def serve(url: str, workers: int) -> subprocess.Popen:
    env = {**os.environ, "FACTCHECK_ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": url,
           "NEWSROOM_URL": "https://bench.example.org", "TRUSTED_PROXIES": "1"}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{PORT}",
         "factcheck:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    sys.exit("gunicorn did not start")


class Browser:
    """One browser behind the proxy: its cookies, its address as the proxy reports it."""

    def __init__(self, address: str):
        self.address = address
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)

    def request(self, method: str, path: str, body: str | None = None) -> http.client.HTTPResponse:
        headers = {
            "X-Forwarded-For": self.address,
            "X-Forwarded-Proto": "https",
            "Referer": f"https://127.0.0.1:{PORT}/login",  # over https, Flask-WTF wants a same-site Referer
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        response.text = text
        return response

    def sign_in_form(self, email: str, password: str) -> str:
        token = csrf_token(self.request("GET", "/login").text)
        return urlencode({"csrf_token": token, "email": email, "password": password, "next": ""})

    def sign_in(self, email: str, password: str) -> tuple[int, float]:
        """Status and seconds of one sign-in, form load included."""
        started = time.perf_counter()
        status = self.request("POST", "/login", self.sign_in_form(email, password)).status
        return status, time.perf_counter() - started

    def sign_out(self) -> None:
        token = csrf_token(self.request("GET", "/dashboard").text)
        assert self.request("POST", "/logout", urlencode({"csrf_token": token})).status == 302


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)


def attack(attempts: int, clients: int) -> Counter:
    """Wrong passwords in parallel: half on the owner's account, half on made-up accounts, from
    one address per client. Counts (target, status)."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    per_client = attempts // clients

    def run(n: int) -> None:
        browser = Browser(f"203.0.113.{n + 1}")
        for i in range(per_client):
            email = OWNER if i % 2 == 0 else f"nobody{n}-{i}@bench.example.org"
            status, _ = browser.sign_in(email, f"guess {i}")
            with lock:
                statuses["owner" if email == OWNER else "made-up", status] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def burst(count: int) -> Counter:
    """count wrong passwords for the colleague's account at the same moment, each from a new browser."""
    browsers = [Browser(f"192.0.2.{n + 1}") for n in range(count)]
    barrier = threading.Barrier(count)
    statuses: Counter = Counter()
    lock = threading.Lock()

    def run(browser: Browser) -> None:
        body = browser.sign_in_form(COLLEAGUE, "a guess")
        barrier.wait()
        status = browser.request("POST", "/login", body).status
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=run, args=(b,)) for b in browsers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def run(url: str, args) -> None:
    prepare(url)
    server = serve(url, args.workers)
    try:
        owner = Browser("198.51.100.7")
        status, _ = owner.sign_in(OWNER, PASSWORD)
        assert status == 302, status
        owner.sign_out()  # the browser keeps only its device cookie

        started = time.perf_counter()
        statuses = attack(args.attempts, args.clients)
        spent = time.perf_counter() - started
        print(f"{url.split(':')[0]}, gunicorn --workers {args.workers}, TRUSTED_PROXIES=1, X-Forwarded-For per client")
        print(f"attacker: {sum(statuses.values())} wrong passwords in {spent:.1f} s from {args.clients} addresses")
        for target in ("owner", "made-up"):
            line = ", ".join(f"{count} x {status}" for (t, status), count in sorted(statuses.items()) if t == target)
            print(f"  on {'the owner' if target == 'owner' else 'made-up accounts'}: {line}  (422 = password checked, 429 = refused unchecked)")
        status, seconds = owner.sign_in(OWNER, PASSWORD)
        print(f"owner, from the browser used before:        {status} in {seconds * 1000:.0f} ms  (302 = signed in)")
        status, seconds = Browser("198.51.100.7").sign_in(OWNER, PASSWORD)
        print(f"owner, from a new browser:                  {status} in {seconds * 1000:.0f} ms  (429 while the account is locked for unknown browsers)")
        status, seconds = Browser("198.51.100.8").sign_in(COLLEAGUE, PASSWORD)
        print(f"colleague, new browser, another address:    {status} in {seconds * 1000:.0f} ms")
        statuses = burst(15)
        print(f"15 parallel wrong passwords on one account: {statuses[422]} checked (422), {statuses[429]} refused (429); limit 5")
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--attempts", type=int, default=300)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--postgres", nargs="?", const="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    if args.postgres:
        import psycopg

        name = f"factcheck_throttle_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            run(args.postgres.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name, args)
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{Path(folder) / 'throttle.db'}", args)


if __name__ == "__main__":
    main()
