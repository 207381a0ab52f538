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
    app.jinja_env.globals["ClaimStatus"] = ClaimStatus

    @app.context_processor
    def newsroom():
        return {"newsroom_name": current_app.config["NEWSROOM_NAME"]}


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["NEWSROOM_TIMEZONE"])


def localtime(value: datetime | None, fmt: str = "%d %b %Y, %H:%M") -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone(_zone()).strftime(fmt)


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
    return datetime.now(_zone()).date()
