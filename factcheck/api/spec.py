"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json. tests/test_api.py checks
that it names every route of the blueprint, and nothing else."""

from __future__ import annotations

from flask import current_app

from ..models import ClaimStatus, DropReason, EvidenceStance
from .claims import MOVE_OF
from .common import bp

PROBLEM = {"$ref": "#/components/responses/Problem"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _responses(ok: int, schema: dict | None, *codes: int) -> dict:
    responses = {str(ok): {"description": "OK" if ok == 200 else "Created", **(_json(schema) if schema else {})}}
    for code in (401, 429, *codes):
        responses[str(code)] = PROBLEM
    return responses


def _body(schema: dict, required: bool = True) -> dict:
    return {"required": required, **_json(schema)}


def _object(properties: dict, required: list[str] | None = None) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NULLABLE_STRING = {"type": ["string", "null"]}
VERSION = {"type": "integer", "description": "The version you read; the change is refused (409) if the claim changed since. Optional."}
NOTE = {"type": "string"}

MOVE_BODIES = {
    "assign": _object(
        {
            "assignee": {"type": ["string", "integer"], "description": "The reviewer's email or id."},
            "due": {"type": "string", "format": "date", "description": "YYYY-MM-DD, in the newsroom's time zone."},
            "due_time": {"type": "string", "description": "HH:MM (optional; without it, the end of that day)."},
            "version": VERSION,
        },
        ["assignee", "due"],
    ),
    "start": _object({"version": VERSION}),
    "verdict": _object({"rating": {"type": ["string", "integer"], "description": "A rating's name or id."}, "rationale": STRING, "version": VERSION}),
    "submit": _object({"rating": {"type": ["string", "integer"]}, "rationale": STRING, "version": VERSION}, ["rating", "rationale"]),
    "approve": _object({"note": {"type": "string", "description": "For a corrected verdict: the public correction notice (required then)."}, "version": VERSION}),
    "return": _object({"note": NOTE, "version": VERSION}, ["note"]),
    "drop": _object({"reason": {"enum": [r.value for r in DropReason]}, "note": NOTE, "version": VERSION}, ["reason"]),
    "restore": _object({"version": VERSION}),
    "correct": _object({"note": NOTE, "version": VERSION}, ["note"]),
}
MOVE_SUMMARIES = {
    "assign": "Assign to a reviewer with a due date (editors)",
    "start": "Start (or resume) research (the assigned reviewer)",
    "verdict": "Save a draft verdict (the assigned reviewer)",
    "submit": "Submit the verdict for review (the assigned reviewer)",
    "approve": "Approve and publish the verdict (editors)",
    "return": "Return to the reviewer with a note (editors)",
    "drop": "Drop the claim with a reason (editors)",
    "restore": "Restore a dropped claim to unassigned (editors)",
    "correct": "Reopen a published verdict for correction (editors)",
}


def _paths() -> dict:
    claim_id = [{"name": "claim_id", "in": "path", "required": True, "schema": INTEGER}]
    article_id = [{"name": "article_id", "in": "path", "required": True, "schema": INTEGER}]
    page = [
        {"name": "after", "in": "query", "schema": STRING, "description": "The `next` of the previous page."},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
    ]
    filters = [
        {"name": "status", "in": "query", "schema": {"enum": [s.value for s in ClaimStatus] + ["open", "any"]}},
        {"name": "assignee", "in": "query", "schema": STRING, "description": "A reviewer's id or email, or `none`."},
        {"name": "rating", "in": "query", "schema": INTEGER, "description": "A rating's id."},
        {"name": "article", "in": "query", "schema": INTEGER},
        {"name": "q", "in": "query", "schema": STRING, "description": "Words, each somewhere in the wording, quote or claimant."},
        {"name": "overdue", "in": "query", "schema": {"enum": ["1", "true"]}},
        {"name": "outlet", "in": "query", "schema": STRING},
        {"name": "claimant", "in": "query", "schema": STRING},
        {"name": "sort", "in": "query", "schema": {"enum": ["newest", "oldest", "due"]}},
        {"name": "approved_from", "in": "query", "schema": {"type": "string", "format": "date"}},
        {"name": "approved_to", "in": "query", "schema": {"type": "string", "format": "date"}},
    ]
    paths = {
        "/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OK"}}}},
        "/articles": {
            "get": {"summary": "Articles, newest first", "parameters": page, "responses": _responses(200, _ref("ArticlePage"))},
            "post": {
                "summary": "Bring in an article (editors)",
                "requestBody": _body(_ref("NewArticle")),
                "responses": _responses(201, _ref("Article"), 403, 422),
            },
        },
        "/articles/{article_id}": {
            "get": {"summary": "One article with its text and claims", "parameters": article_id, "responses": _responses(200, _ref("Article"), 404)}
        },
        "/articles/{article_id}/claims": {
            "post": {
                "summary": "Claim a span of the article's text (editors)",
                "parameters": article_id,
                "requestBody": _body(_ref("NewClaim")),
                "responses": _responses(201, _ref("Claim"), 403, 404, 422),
            }
        },
        "/claims": {
            "get": {
                "summary": "Claims, with the claims page's filters, keyset-paged",
                "parameters": filters + page,
                "responses": _responses(200, _ref("ClaimPage"), 400, 422),
            }
        },
        "/claims/{claim_id}": {
            "get": {
                "summary": "One claim with its evidence, verdict, history and comments",
                "parameters": claim_id,
                "responses": _responses(200, _ref("ClaimDetail"), 404),
            }
        },
        "/claims/{claim_id}/evidence": {
            "post": {
                "summary": "Add evidence (the assigned reviewer, while researching)",
                "parameters": claim_id,
                "requestBody": _body(_ref("NewEvidence")),
                "responses": _responses(201, _ref("Evidence"), 403, 404, 409, 422),
            }
        },
        "/claims/{claim_id}/comments": {
            "post": {
                "summary": "Comment (editors and the assigned reviewer)",
                "parameters": claim_id,
                "requestBody": _body(_object({"body": STRING}, ["body"])),
                "responses": _responses(201, _ref("Comment"), 403, 404, 422),
            }
        },
    }
    for name in MOVE_OF:
        paths[f"/claims/{{claim_id}}/{name}"] = {
            "post": {
                "summary": MOVE_SUMMARIES[name],
                "parameters": claim_id,
                "requestBody": _body(MOVE_BODIES[name], required=bool(MOVE_BODIES[name].get("required"))),
                "responses": _responses(200, _ref("ClaimDetail"), 403, 404, 409, 422),
            }
        }
    return paths


def _schemas() -> dict:
    person = _object({"id": INTEGER, "name": STRING, "email": STRING})
    nullable_person = {"oneOf": [person, {"type": "null"}]}
    article = _object(
        {
            "id": INTEGER, "title": STRING, "outlet": NULLABLE_STRING, "url": NULLABLE_STRING,
            "published_on": {"type": ["string", "null"], "format": "date"}, "body": STRING,
            "created_at": STRING, "updated_at": STRING, "version": INTEGER, "html_url": STRING,
            "claims": {"type": "array", "items": _object({"id": INTEGER, "start": INTEGER, "end": INTEGER, "wording": STRING, "status": STRING, "version": INTEGER})},
        },
        ["id", "title", "version"],
    )
    claim = _object(
        {
            "id": INTEGER,
            "article": _object({"id": INTEGER, "title": STRING}),
            "start": {"type": ["integer", "null"], "description": "Code points into the article's current text."},
            "end": {"type": ["integer", "null"]},
            "quote": STRING, "wording": STRING, "claimant": NULLABLE_STRING,
            "claimant_kind": {"enum": ["person", "organization"]},
            "status": {"enum": [s.value for s in ClaimStatus]},
            "assignee": nullable_person,
            "due": NULLABLE_STRING, "due_has_time": {"type": "boolean"}, "overdue": {"type": "boolean"},
            "rating": {"oneOf": [_object({"id": INTEGER, "name": STRING}), {"type": "null"}]},
            "return_note": NULLABLE_STRING, "drop_reason": NULLABLE_STRING, "text_changed": {"type": "boolean"},
            "created_at": STRING, "updated_at": STRING, "version": INTEGER, "html_url": STRING,
        },
        ["id", "status", "version"],
    )
    evidence = _object(
        {
            "id": INTEGER, "url": STRING, "source": STRING, "stance": {"enum": [s.value for s in EvidenceStance]},
            "summary": NULLABLE_STRING, "archive_url": NULLABLE_STRING, "withheld": {"type": "boolean"},
            "withheld_reason": NULLABLE_STRING, "added_by": person, "created_at": STRING, "version": INTEGER,
        }
    )
    comment = _object({"id": INTEGER, "author": person, "body": STRING, "created_at": STRING})
    event = _object(
        {
            "id": INTEGER, "at": STRING, "actor": nullable_person, "action": STRING, "text": STRING,
            "from_status": NULLABLE_STRING, "to_status": NULLABLE_STRING,
            "changes": {"type": ["object", "null"]}, "note": NULLABLE_STRING, "redacted": {"type": "boolean"},
        }
    )
    detail = {
        "allOf": [
            _ref("Claim"),
            _object(
                {
                    "evidence": {"type": "array", "items": _ref("Evidence")},
                    "verdict": _object({
                        "rating": {"type": ["object", "null"]}, "rationale": NULLABLE_STRING, "submitted_at": NULLABLE_STRING,
                        "approved_at": NULLABLE_STRING, "approved_by": nullable_person, "published": {"type": "boolean"},
                        "published_rating": NULLABLE_STRING, "corrected_at": NULLABLE_STRING,
                    }),
                    "history": {"type": "array", "items": _ref("Event")},
                    "comments": {"type": "array", "items": _ref("Comment")},
                    "moves": {"type": "array", "items": {"enum": list(MOVE_OF)}, "description": "The moves this token's owner may make now."},
                }
            ),
        ]
    }
    return {
        "Article": article,
        "ArticlePage": _object({"items": {"type": "array", "items": _ref("Article")}, "next": NULLABLE_STRING}, ["items", "next"]),
        "NewArticle": _object(
            {"title": STRING, "body": STRING, "outlet": STRING, "url": STRING, "published_on": {"type": "string", "format": "date"}},
            ["title", "body"],
        ),
        "Claim": claim,
        "ClaimPage": _object({"items": {"type": "array", "items": _ref("Claim")}, "next": NULLABLE_STRING}, ["items", "next"]),
        "ClaimDetail": detail,
        "NewClaim": _object(
            {
                "start": {"type": "integer", "description": "Code points (Python string indices) into the article's text."},
                "end": {"type": "integer"}, "wording": STRING, "claimant": STRING,
                "claimant_kind": {"enum": ["person", "organization"]},
            },
            ["start", "end"],
        ),
        "Evidence": evidence,
        "NewEvidence": _object(
            {
                "url": STRING, "source": STRING, "stance": {"enum": [s.value for s in EvidenceStance]}, "summary": STRING,
                "archive_url": STRING, "withheld": {"type": "boolean"}, "withheld_reason": STRING,
            },
            ["url", "source", "stance"],
        ),
        "Comment": comment,
        "Event": event,
        "Problem": _object(
            {
                "type": STRING, "title": STRING, "status": INTEGER, "detail": STRING,
                "errors": {"type": "object", "additionalProperties": STRING, "description": "Field name → the message the form shows."},
                "current": {"description": "After a stale version: the claim as it is now."},
            },
            ["type", "title", "status"],
        ),
    }


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"factcheck API ({current_app.config['NEWSROOM_NAME']})",
            "version": "1",
            "description": "Personal API tokens (Authorization: Bearer <token>) act as their owner, limited by the "
            "owner's role and the token's scope (read or write). Errors are RFC 9457 problem documents.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A personal API token (fct_…)."}},
            "schemas": _schemas(),
            "responses": {
                "Problem": {
                    "description": "A problem document (RFC 9457)",
                    "content": {"application/problem+json": {"schema": _ref("Problem")}},
                }
            },
        },
    }


@bp.get("/openapi.json")
def openapi():
    return document()
