"""Webhook endpoints: registering one, signing a delivery and posting it through the guarded
outgoing client.

Each delivery is a JSON body with the header
    Factcheck-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>
as Stripe signs its webhooks: the receiver recomputes the HMAC over the timestamp and the raw
body, compares in constant time and refuses a timestamp older than a few minutes (a replay)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from urllib.parse import urlsplit

from flask import current_app

from .errors import DomainError
from .extensions import db
from .links import web_address_problem
from .models import OutboxMessage, User, WebhookEndpoint, WebhookEvent
from .outgoing import OutgoingRefused, address_refusal, parse_networks, post

SIGNATURE_HEADER = "Factcheck-Signature"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: bytes, header: str, now: int | None = None, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver does (the README shows the same in a few lines)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now or int(time.time())) - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def create_endpoint(*, url: str, events: list[str], description: str = "", by: User) -> WebhookEndpoint:
    url = (url or "").strip()
    problem = web_address_problem(url) if url else "Paste the address that should receive the deliveries."
    if problem:
        raise DomainError(problem, field="url")
    known = {e.value for e in WebhookEvent}
    events = [e for e in events if e in known]
    if not events:
        raise DomainError("Choose at least one event to send.", field="events")
    problem = literal_address_problem(url)
    if problem:
        raise DomainError(problem, field="url")
    if db.session.scalar(db.select(WebhookEndpoint.id).where(WebhookEndpoint.url == url)) is not None:
        raise DomainError("This address is already registered.", field="url")
    endpoint = WebhookEndpoint(
        url=url, events=events, description=(description or "").strip(), secret=new_secret(), created_by_id=by.id
    )
    db.session.add(endpoint)
    db.session.flush()
    return endpoint


def allowed_networks():
    return parse_networks(current_app.config.get("FETCH_ALLOWED_NETWORKS"))


def literal_address_problem(url: str) -> str | None:
    """An address written as a private IP (or localhost) is refused at once; a name is checked
    when each delivery connects (it may resolve differently by then)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        host = "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return address_refusal(address, allowed_networks())


def send_delivery(message: OutboxMessage) -> int:
    """POST one delivery; its status when the receiver answered 2xx, else DeliveryFailed."""
    from .outbox import DeliveryFailed

    endpoint = message.endpoint
    if endpoint is None or not endpoint.active:
        raise DeliveryFailed("The endpoint was removed or switched off.")
    body = message.payload["body"].encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(endpoint.secret, body, int(time.time())),
        "Factcheck-Event": message.event,
        "Factcheck-Delivery": str(message.id),
    }
    allowed = allowed_networks()
    timeout = float(current_app.config.get("WEBHOOK_TIMEOUT", 10))
    try:
        status, answer = post(endpoint.url, body, headers, allowed=allowed, timeout=timeout)
    except OutgoingRefused as refused:
        raise DeliveryFailed(refused.message) from None
    if not 200 <= status < 300:
        raise DeliveryFailed(f"The endpoint answered {status}: {answer[:200]}".strip(), status)
    return status
