"""What the API's routes share: the blueprint, signing a request in by its bearer token (never
by the browser's session cookie), reading JSON into the pages' own forms, the one error path
as problem documents, and how articles and claims are written out as JSON."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable

from flask import Blueprint, abort, current_app, g, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..errors import DomainError, NotAllowed, StaleEdit
from ..extensions import db
from ..models import Article, AuditEvent, Claim, Comment, Evidence, User
from ..problems import problem
from ..templating import action_text
from ..tokens import bearer_token, count_request, find_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Problem types (RFC 9457): stable names a client can switch on.
INVALID = "urn:factcheck:problem:invalid-fields"
ILLEGAL_MOVE = "urn:factcheck:problem:illegal-move"
STALE = "urn:factcheck:problem:stale-version"
UNAUTHORIZED = "urn:factcheck:problem:unauthorized"
FORBIDDEN = "urn:factcheck:problem:forbidden"
READ_ONLY = "urn:factcheck:problem:read-only-token"
RATE_LIMITED = "urn:factcheck:problem:rate-limited"
NOT_JSON = "urn:factcheck:problem:not-json"

PUBLIC = {"api.openapi"}  # describes the routes, holds no newsroom data


@bp.before_request
def authenticate():
    """Every API request names its person by a personal token. The session cookie is never
    read here, so a page in a browser cannot make the API act for its signed-in user (which is
    why the API needs no CSRF token: a cross-site form or fetch cannot add this header)."""
    if request.endpoint in PUBLIC:
        return None
    raw = bearer_token(request.headers.get("Authorization"))
    counted = count_request(raw) if raw else None
    token = find_token(raw) if counted else None
    if token is None:
        return problem(
            401,
            "Send a personal API token as “Authorization: Bearer <token>”. This request had none, "
            "or its token is unknown or revoked, or its owner's account is deactivated.",
            type=UNAUTHORIZED,
        )
    retry_after = counted.retry_after
    if retry_after:
        config = current_app.config
        return problem(
            429,
            f"This token made more than {config['API_RATE_LIMIT']} requests in "
            f"{config['API_RATE_WINDOW_SECONDS']} seconds. Try again in {retry_after} s.",
            type=RATE_LIMITED,
            headers={"Retry-After": str(retry_after)},
        )
    g._login_user = token.user  # Flask-Login's current_user for this request only
    g.api_token = token
    if request.method not in ("GET", "HEAD", "OPTIONS") and not token.may_write:
        return problem(
            403,
            "This token may only read. Make a write token on your account page to change anything.",
            type=READ_ONLY,
        )
    return None


def refuse(status: int, detail: str, **kwargs):
    """Stop here and answer with a problem document."""
    abort(problem(status, detail, **kwargs))


def forbidden(detail: str = "You do not have permission to do that."):
    refuse(403, detail, type=FORBIDDEN)


def invalid(errors: dict[str, str]):
    refuse(422, "Some fields are not right: " + " ".join(errors.values()), type=INVALID, errors=errors)


def payload() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        refuse(415 if not request.is_json else 400, "Send a JSON object, with Content-Type: application/json.", type=NOT_JSON)
    return data


def expected_version(data: dict) -> int | None:
    """The version the client read, when it sent one: the change is then refused (409) if
    someone else changed the object since. Without one the change applies to the object as it is."""
    version = data.get("version")
    if version is None:
        return None
    if type(version) is not int:
        invalid({"version": "Send the version you read, as a whole number."})
    return version


def read_form(form_class, data: dict, **kwargs):
    """The page's own form filled from JSON, so the API checks what the page checks and says it
    in the same words. (No CSRF: the request is signed in by its token.)"""
    formdata = MultiDict()
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                formdata.add(key, "y")
        elif isinstance(value, (str, int, float)):
            formdata.add(key, str(value))
        else:
            invalid({key: "Send a string, a number or true/false here."})
    return form_class(formdata=formdata, meta={"csrf": False}, **kwargs)


def validated(form):
    if not form.validate():
        invalid({name: messages[0] for name, messages in form.errors.items()})
    return form


def apply(change: Callable[[], Any], respond: Callable[[Any], Any], *, obj=None):
    """The one error path of the API, as commit_change is the pages': apply the change and
    commit, or keep nothing of it and say why: 403 for a person who may not, 422 with the
    message under its field, 409 for a move not possible now or an edit on a stale version."""
    try:
        result = change()
    except NotAllowed as error:
        db.session.rollback()
        return problem(403, error.message, type=FORBIDDEN)
    except DomainError as error:
        db.session.rollback()
        if obj is not None and obj in db.session:
            db.session.refresh(obj)
        if isinstance(error, StaleEdit):
            return problem(409, stale_detail(obj), type=STALE, current=claim_json(obj) if isinstance(obj, Claim) else None)
        if error.field:
            return problem(422, error.message, type=INVALID, errors={error.field: error.message})
        return problem(409, error.message.replace(" Reload the page to see where it stands.", ""), type=ILLEGAL_MOVE)
    db.session.commit()
    return respond(result)


def stale_detail(obj) -> str:
    """Who changed what since the client read it: the latest history row of the object."""
    if not isinstance(obj, (Claim, Article)):
        return "Someone else changed this since you read it. Read it again and re-apply your change."
    entity = "claim" if isinstance(obj, Claim) else "article"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_id == obj.id).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    noun = f"{entity.capitalize()} #{obj.id}"
    if event is None:
        return f"{noun} changed since the version you sent; it is now at version {obj.version}."
    who = "You (with another token or in the browser)" if event.actor_id == current_user.id else (
        event.actor.name if event.actor else "Someone"
    )
    changed = f", changing {', '.join(sorted(event.changes))}" if event.changes else ""
    return (
        f"{noun} changed since the version you sent: {who} {action_text(event.action)} at {stamp(event.at)}"
        f"{changed}. It is now at version {obj.version}; read it again and re-apply your change."
    )


def page_size() -> int:
    config = current_app.config
    size = request.args.get("limit", config["API_PAGE_SIZE"], type=int)
    return max(1, min(size, config["API_PAGE_MAX"]))


# -- JSON --------------------------------------------------------------------------------------


def stamp(value: datetime | date | None) -> str | None:
    """Timestamps are stored as naive UTC; the API says so with a Z."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    return value.isoformat()


def person(user: User | None) -> dict | None:
    return {"id": user.id, "name": user.name, "email": user.email} if user else None


def article_json(article: Article, *, body: bool = False) -> dict:
    data = {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet or None,
        "url": article.url,
        "published_on": stamp(article.published_on),
        "created_at": stamp(article.created_at),
        "updated_at": stamp(article.updated_at),
        "version": article.version,
        "html_url": url_for("articles.show", article_id=article.id, _external=True),
    }
    if body:
        data["body"] = article.body
    return data


def claim_json(claim: Claim, now: datetime | None = None) -> dict:
    """A claim as the lists show it: what it says, where it stands, who has it."""
    return {
        "id": claim.id,
        "article": {"id": claim.article_id, "title": claim.article.title},
        "start": claim.start,
        "end": claim.end,
        "quote": claim.quote,
        "wording": claim.wording,
        "claimant": claim.claimant,
        "claimant_kind": claim.claimant_kind.value,
        "status": claim.status.value,
        "assignee": person(claim.assignee),
        "due": stamp(claim.due_at),
        "due_has_time": claim.due_has_time,
        "overdue": claim.is_overdue(now),
        "rating": {"id": claim.rating.id, "name": claim.rating.name} if claim.rating else None,
        "return_note": claim.return_note,
        "drop_reason": claim.drop_reason.value if claim.drop_reason else None,
        "text_changed": claim.text_changed,
        "created_at": stamp(claim.created_at),
        "updated_at": stamp(claim.updated_at),
        "version": claim.version,
        "html_url": url_for("claims.show", claim_id=claim.id, _external=True),
    }


def evidence_json(evidence: Evidence) -> dict:
    return {
        "id": evidence.id,
        "url": evidence.url,
        "source": evidence.source,
        "stance": evidence.stance.value,
        "summary": evidence.summary,
        "archive_url": evidence.archive_url,
        "withheld": evidence.withheld,
        "withheld_reason": evidence.withheld_reason,
        "added_by": person(evidence.added_by),
        "created_at": stamp(evidence.created_at),
        "version": evidence.version,
    }


def comment_json(comment: Comment) -> dict:
    return {"id": comment.id, "author": person(comment.author), "body": comment.body, "created_at": stamp(comment.created_at)}


def event_json(event: AuditEvent, redacted: bool) -> dict:
    return {
        "id": event.id,
        "at": stamp(event.at),
        "actor": person(event.actor),
        "action": event.action,
        "text": action_text(event.action),
        "from_status": event.from_status,
        "to_status": event.to_status,
        # A row about a withheld source is shown to viewers without what it names.
        "changes": None if redacted else event.changes,
        "note": None if redacted else event.note,
        "redacted": redacted,
    }

