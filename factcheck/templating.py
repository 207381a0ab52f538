"""Jinja filters and globals: dates in the newsroom's time zone, relative times, status labels."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from .models import ClaimStatus, utcnow


def init_app(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["reltime"] = reltime
    app.jinja_env.filters["longdate"] = longdate
    app.jinja_env.filters["due"] = due
    app.jinja_env.globals["ClaimStatus"] = ClaimStatus

    @app.context_processor
    def newsroom():
        return {"newsroom_name": current_app.config["NEWSROOM_NAME"]}


def newsroom_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["NEWSROOM_TIMEZONE"])


def localize(value: datetime) -> datetime:
    """A stored (naive UTC) time in the newsroom's time zone."""
    return value.replace(tzinfo=UTC).astimezone(newsroom_zone())


def localtime(value: datetime | None, fmt: str = "%d %b %Y, %H:%M") -> str:
    return localize(value).strftime(fmt) if value else ""


def due(claim) -> str:
    """'14 Nov' or '14 Nov, 15:00' in the newsroom's time zone."""
    if claim.due_at is None:
        return ""
    local = localize(claim.due_at)
    text = local.strftime("%-d %b %Y")
    return f"{text}, {local.strftime('%H:%M')}" if claim.due_has_time else text


def longdate(value: date | None) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def reltime(value: datetime | None) -> str:
    if value is None:
        return ""
    seconds = int((utcnow() - value).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            amount = f"{seconds // size} {unit}"
            return f"in {amount}" if future else f"{amount} ago"
    return "just now"


def today_in_newsroom() -> date:
    return datetime.now(newsroom_zone()).date()
