"""Public pages that hold on a viral day: conditional answers (ETag and Last-Modified, 304),
Cache-Control a CDN or reverse proxy can act on, and a small store of rendered bodies in each
app process, keyed by the same validator.

A page's validator is built from what changes what it shows (the latest approval or correction,
the rows it lists, the scale), read in one cheap query before anything is rendered: a reader
whose copy is current gets a 304 for the price of that query, and a page already rendered in
this process is served from memory. Approvals and corrections change the validator, so nothing
needs purging."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from datetime import datetime
from typing import Callable

from flask import Response, current_app, request

# Browsers keep a page a minute; a shared cache five; either may serve it stale for ten more
# minutes while it asks again, and for a day if the app is down.
PUBLIC_CACHE_CONTROL = "public, max-age=60, s-maxage=300, stale-while-revalidate=600, stale-if-error=86400"
STORE_SIZE = 512  # rendered bodies kept per process: a feed page is ~100 KB, a verdict page ~10 KB


class _Store:
    """A small LRU of rendered bodies, shared by the threads of one process."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            item = self.items.get(key)
            if item is not None:
                self.items.move_to_end(key)
            return item

    def put(self, key: str, item) -> None:
        with self.lock:
            self.items[key] = item
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


store = _Store(STORE_SIZE)


def validator(*parts) -> str:
    """An ETag for this address and these facts about what it shows. The newsroom's settings
    are part of it: a new name or address changes every page."""
    config = current_app.config
    seed = repr((request.path, request.query_string, config.get("NEWSROOM_NAME"), config.get("NEWSROOM_URL"),
                 config.get("APP_URL"), parts))
    return hashlib.blake2b(seed.encode(), digest_size=12).hexdigest()


def conditional(
    etag: str,
    render: Callable[[], str | bytes],
    *,
    mimetype: str = "text/html",
    last_modified: datetime | None = None,
    status: int = 200,
) -> Response:
    """A 304 when the reader's copy is current; otherwise the body, from this process's store
    when it was rendered here before, with the headers that let caches keep it."""
    if request.if_none_match and request.if_none_match.contains(etag):
        return _headers(Response(status=304), etag, last_modified)
    if (not request.if_none_match and last_modified and request.if_modified_since
            and last_modified.replace(microsecond=0) <= request.if_modified_since.replace(tzinfo=None)):
        return _headers(Response(status=304), etag, last_modified)
    key = f"{etag}:{status}"
    cached = store.get(key)
    if cached is None:
        body = render()
        cached = (body.encode() if isinstance(body, str) else body, mimetype)
        store.put(key, cached)
    response = Response(cached[0], status=status, mimetype=cached[1])
    return _headers(response, etag, last_modified)


def _headers(response: Response, etag: str, last_modified: datetime | None) -> Response:
    response.set_etag(etag)
    if last_modified:
        response.last_modified = last_modified
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
    return response
