"""A person's saved views of the claims list: saving one under a name, and removing it.

A saved view is a bookmark in one person's menu, not a record of the newsroom's work, so these
verbs write no history row (as a change of password writes none)."""

from __future__ import annotations

from sqlalchemy import func, select

from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import SavedView, User


def save_view(*, by: User, name: str, query: str) -> SavedView:
    """Save the list's filter as `name`; a view of the same name is replaced, so saving again
    after changing a filter updates it."""
    name = " ".join(name.split())
    if not name:
        raise DomainError("Name the view.", field="name")
    if len(name) > SavedView.NAME_MAX:
        raise DomainError(f"A view's name has at most {SavedView.NAME_MAX} characters.", field="name")
    if len(query) > SavedView.QUERY_MAX:
        raise DomainError("This filter is too long to save; remove some words or filters.", field="name")
    view = db.session.scalar(select(SavedView).where(SavedView.user_id == by.id, SavedView.name == name))
    if view is None:
        saved = db.session.scalar(select(func.count()).select_from(SavedView).where(SavedView.user_id == by.id))
        if saved >= SavedView.PER_PERSON:
            raise DomainError(
                f"You have {SavedView.PER_PERSON} saved views, the most a menu holds: remove one first.", field="name"
            )
        view = SavedView(user_id=by.id, name=name, query=query)
        db.session.add(view)
    else:
        view.query = query
    db.session.flush()
    return view


def delete_view(view: SavedView, *, by: User) -> None:
    if view.user_id != by.id:
        raise NotAllowed("Only its owner may remove a saved view.")
    db.session.delete(view)
    db.session.flush()
