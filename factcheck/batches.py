"""Reading a whole table in batches by key, so a long command can commit as it goes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from .extensions import db


def in_batches(query: Select, key: InstrumentedAttribute, size: int) -> Iterator[list[Any]]:
    """The query's objects in key order, `size` at a time. Each batch is its own statement
    (`key > last key of the batch before ... ORDER BY key LIMIT size`), never a cursor held open
    across batches, so the caller may commit between them (a commit closes PostgreSQL's
    server-side cursors, and would end a `yield_per` read) and each batch is found by the index
    on the key, however far into the table it is."""
    last = None
    while True:
        batch_query = query.order_by(key).limit(size)
        if last is not None:
            batch_query = batch_query.where(key > last)
        batch = db.session.scalars(batch_query).all()
        if not batch:
            return
        last = getattr(batch[-1], key.key)  # read now: a commit in the caller expires the object
        yield batch
        if len(batch) < size:
            return
