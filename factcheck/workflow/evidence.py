"""Evidence and comments on a claim, added by the people working on it."""

from __future__ import annotations

from typing import Any

from ..audit import record
from ..errors import DomainError
from ..extensions import db
from ..links import web_address_problem
from ..models import Claim, Comment, Evidence, EvidenceStance, User
from ..notify import comment_added
from ._base import check_version, diff, flush, lock, stale_safe
from .claims import require

EVIDENCE_FIELDS = ("url", "source", "stance", "summary", "archive_url", "withheld", "withheld_reason")


def _clean_evidence(fields: dict[str, Any]) -> dict[str, Any]:
    values = {key: fields.get(key) for key in EVIDENCE_FIELDS}
    for key in ("url", "source", "summary", "archive_url", "withheld_reason"):
        values[key] = (values[key] or "").strip() or None
    values["withheld"] = bool(values["withheld"])
    if not values["url"]:
        raise DomainError(Evidence.URL_REQUIRED, field="url")
    for key in ("url", "archive_url"):
        if values[key] and (problem := web_address_problem(values[key])):
            raise DomainError(problem, field=key)
    if not values["source"]:
        raise DomainError(Evidence.SOURCE_REQUIRED, field="source")
    try:
        values["stance"] = EvidenceStance(values["stance"])
    except ValueError:
        raise DomainError(Evidence.STANCE_REQUIRED, field="stance") from None
    if values["withheld"] and not values["withheld_reason"]:
        raise DomainError(Evidence.WITHHELD_REASON_REQUIRED, field="withheld_reason")
    if not values["withheld"]:
        values["withheld_reason"] = None
    return values


def add_evidence(claim: Claim, *, by: User, **fields: Any) -> Evidence:
    require(claim, by, "work")
    values = _clean_evidence(fields)
    evidence = Evidence(claim=claim, added_by=by, **values)
    db.session.add(evidence)
    db.session.flush()
    record(by, "evidence_added", claim, changes={"evidence": [None, _evidence_label(evidence)]}, evidence_id=evidence.id)
    db.session.flush()
    return evidence


@stale_safe
def edit_evidence(evidence: Evidence, *, by: User, expected_version: int | None = None, **fields: Any) -> None:
    require(evidence.claim, by, "work")
    check_version(evidence, expected_version)
    before = _evidence_label(evidence)
    changes = diff(evidence, _clean_evidence(fields))
    if changes:
        flush(evidence)
        if evidence.withheld or "withheld" in changes:
            changes = {"evidence": [before, _evidence_label(evidence)]}
        else:
            changes = {f"evidence {key}": [_plain(a), _plain(b)] for key, (a, b) in changes.items()}
        record(
            by, "evidence_edited", evidence.claim, changes=changes, note=None if evidence.withheld else before,
            evidence_id=evidence.id,
        )
        db.session.flush()


@stale_safe
def remove_evidence(evidence: Evidence, *, by: User, expected_version: int | None = None) -> None:
    claim = evidence.claim
    lock(claim)  # a verdict being submitted at this moment sees the evidence, or its removal
    require(claim, by, "work")
    check_version(evidence, expected_version)
    record(by, "evidence_removed", claim, changes={"evidence": [_evidence_label(evidence), None]}, evidence_id=evidence.id)
    db.session.delete(evidence)
    flush(evidence)
    db.session.expire(claim, ["evidence"])


def _plain(value) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def _evidence_label(evidence: Evidence) -> str:
    """How the history names a piece of evidence; a withheld source is not named there."""
    if evidence.withheld:
        return f"withheld source ({evidence.stance.value})"  # views.helpers.WITHHELD_LABEL reads this
    return f"{evidence.source} ({evidence.stance.value}): {evidence.url}"


def add_comment(claim: Claim, *, by: User, body: str) -> Comment:
    require(claim, by, "comment")
    body = (body or "").strip()
    if not body:
        raise DomainError(Comment.BODY_REQUIRED, field="body")
    if len(body) > Comment.BODY_MAX:
        raise DomainError(f"Comments are limited to {Comment.BODY_MAX:,} characters.", field="body")
    comment = Comment(claim=claim, author=by, body=body)
    db.session.add(comment)
    db.session.flush()
    comment_added(comment)  # comments write no history row, so they notify here
    db.session.flush()
    return comment
