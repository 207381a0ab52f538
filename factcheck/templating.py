"""Jinja filters and globals: dates in the newsroom's time zone, relative times, status labels."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app

from .clock import localize
from .models import ClaimStatus, utcnow


# How each recorded action reads after a person's name in a history.
ACTIONS = {
    "created": "created it",
    "edited": "edited it",
    "deleted": "deleted",
    "unlocked": "unlocked the text",
    "revised": "added a revision of the text",
    "text_unchanged": "found its words unchanged in a new revision",
    "text_changed": "found its words changed in a new revision",
    "text_gone": "found its words gone from a new revision",
    "text_change_kept": "kept the work on the changed text",
    "text_change_sent_back": "sent it back to research for the changed text",
    "assigned": "assigned it",
    "reassigned": "reassigned it",
    "due_changed": "changed the due date",
    "started_research": "started research",
    "resumed_research": "resumed research",
    "evidence_added": "added evidence",
    "evidence_edited": "edited evidence",
    "evidence_removed": "removed evidence",
    "verdict_drafted": "saved a draft verdict",
    "submitted": "submitted the verdict for review",
    "approved": "approved the verdict",
    "correction_issued": "issued a correction",
    "returned": "returned it with a note",
    "dropped": "dropped it",
    "restored": "restored it",
    "status_changed": "changed the status",
    "password_changed": "changed their password",
    "api_token_created": "created an API token",
    "api_token_revoked": "revoked an API token",
    "deactivated": "deactivated the account",
    "reactivated": "reactivated the account",
    "moved": "moved it on the scale",
    "retired": "retired it",
    "reinstated": "reinstated it",
}


def action_text(action: str) -> str:
    return ACTIONS.get(action, action.replace("_", " "))


def change_value(key: str, value):
    """A recorded before/after value as a person reads it."""
    if value is None:
        return "—"
    if key == "span" and isinstance(value, list):
        return f"{value[0]}–{value[1]}"
    if key == "due" and isinstance(value, str):
        try:
            return localtime(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


def init_app(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["reltime"] = reltime
    app.jinja_env.filters["longdate"] = longdate
    app.jinja_env.filters["due"] = due
    app.jinja_env.filters["action_text"] = action_text
    app.jinja_env.globals["change_value"] = change_value
    app.jinja_env.globals["ClaimStatus"] = ClaimStatus

    @app.context_processor
    def newsroom():
        return {"newsroom_name": current_app.config["NEWSROOM_NAME"]}


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
