"""RFC 9457 problem documents: how the JSON API says what went wrong (application/problem+json,
with type, title, status, detail and, for invalid fields, `errors: {field: message}`)."""

from __future__ import annotations

from typing import Any

from flask import Response, json

API_PREFIX = "/api/"

# type URIs: names, not pages to fetch (RFC 9457 allows that); "about:blank" means the status says it all.
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
}


def problem(
    status: int,
    detail: str | None = None,
    *,
    type: str = "about:blank",
    title: str | None = None,
    errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    body: dict[str, Any] = {"type": type, "title": title or TITLES.get(status, "Error"), "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extensions)
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="factcheck"')
    return response


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)
