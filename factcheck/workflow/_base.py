"""What every verb shares: the version check, turning a concurrent save into StaleEdit, and
setting only the values that changed."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from ..errors import StaleEdit
from ..extensions import db


def check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != obj.version:
        raise StaleEdit(obj)


def stale_safe(verb):
    """A concurrent save of the same row can surface at any flush, autoflush included; the
    verb then raises StaleEdit, like one caught at its own flush."""

    @functools.wraps(verb)
    def wrapper(obj, *args, **kwargs):
        try:
            return verb(obj, *args, **kwargs)
        except StaleDataError:
            raise StaleEdit(obj) from None

    return wrapper


def flush(obj) -> None:
    """Flush, turning a concurrent save of the same row (caught by its version column) into
    StaleEdit, so the page shows the other person's version instead of an error page."""
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleEdit(obj) from None


def lock(obj) -> None:
    """Reload the row and hold it until the transaction ends, for a rule that reads other rows
    (a verdict needs evidence): two people acting on one claim then go one after the other,
    and the second sees what the first did. (SQLite's BEGIN IMMEDIATE already serialises
    writers; there FOR UPDATE is not needed and not emitted.)"""
    db.session.refresh(obj, with_for_update=True)


def diff(obj, values: dict[str, Any]) -> dict[str, list]:
    """Set the values that differ and return {field: [before, after]} for them."""
    changed = {}
    for key, value in values.items():
        before = getattr(obj, key)
        if before != value:
            changed[key] = [before, value]
            setattr(obj, key, value)
    return changed
