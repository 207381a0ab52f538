"""The newsroom's clock: its time zone, local times of stored UTC instants, and due instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app


def newsroom_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["NEWSROOM_TIMEZONE"])


def localize(value: datetime) -> datetime:
    """A stored (naive UTC) time in the newsroom's time zone."""
    return value.replace(tzinfo=UTC).astimezone(newsroom_zone())


def today_in_newsroom() -> date:
    return datetime.now(newsroom_zone()).date()


def due_instant(day: date, at: time | None) -> tuple[datetime, bool]:
    """The stored (naive UTC) instant a due date means: a day without a time is due at its end
    in the newsroom's time zone. Returns the instant and whether a time was given."""
    local = datetime.combine(day, at or time(23, 59, 59), tzinfo=newsroom_zone())
    return local.astimezone(UTC).replace(tzinfo=None), at is not None


def utc_midnight(day: date) -> datetime:
    """The start of a day in the newsroom's time zone, as stored (naive UTC)."""
    return datetime.combine(day, time(0), tzinfo=newsroom_zone()).astimezone(UTC).replace(tzinfo=None)
