"""Lists of claims: my queue (a reviewer's work), the review queue (an editor's) and the
filterable claims list with keyset pagination and bulk actions."""

from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from .. import workflow
from ..extensions import db
from ..forms import ActionForm, BulkForm, SavedViewForm
from ..models import OPEN_FOR_REVIEWER, Article, Claim, ClaimStatus, Role, SavedView, User, utcnow
from ..filters import FAR_FUTURE, SORTS, Filters, beyond, cursor_of, db_ids, order_by
from ..ratings import scale
from .helpers import MAY_EXPORT, commit_change, reviewer_choices

bp = Blueprint("queues", __name__)

PAGE_SIZE = 50
# Lists count matching claims up to this many and then say "more than": an exact count would
# read every matching row on every page view, so its cost would grow with the archive.
COUNT_CAP = 10_000
REVIEW_SHOWN = 100


def _with_relations(query: Select) -> Select:
    """What a row of claims shows besides the claim: its article's title, reviewer and rating,
    joined into the one query (each is a single row per claim)."""
    return query.options(
        joinedload(Claim.article, innerjoin=True).load_only(Article.title),
        joinedload(Claim.assignee),
        joinedload(Claim.rating),
    )


@bp.get("/queue")
def mine():
    """The reviewer's own claims: overdue first, then by due date; returned ones carry the note."""
    claims = db.session.scalars(
        _with_relations(
            select(Claim).where(
                Claim.assignee_id == current_user.id,
                Claim.status.in_([*OPEN_FOR_REVIEWER, ClaimStatus.IN_REVIEW]),
            )
        )
    ).all()
    now = utcnow()
    todo = sorted(
        (c for c in claims if c.status in OPEN_FOR_REVIEWER),
        key=lambda c: (not c.is_overdue(now), c.due_at or FAR_FUTURE, c.id),
    )
    waiting = sorted((c for c in claims if c.status == ClaimStatus.IN_REVIEW), key=lambda c: c.submitted_at or now)
    return render_template("queues/mine.html", todo=todo, waiting=waiting, now=now)


@bp.get("/review")
def review():
    """Verdicts waiting for an editor, oldest submission first: the oldest REVIEW_SHOWN of
    them, so a backlog does not make the page slow; the claims list pages through the rest."""
    waiting = db.session.scalar(select(func.count()).select_from(Claim).where(Claim.status == ClaimStatus.IN_REVIEW))
    claims = db.session.scalars(
        _with_relations(
            select(Claim)
            .where(Claim.status == ClaimStatus.IN_REVIEW)
            .order_by(Claim.submitted_at, Claim.id)
            .limit(REVIEW_SHOWN)
        )
    ).all()
    return render_template("queues/review.html", claims=claims, waiting=waiting, now=utcnow())


@bp.get("/claims")
def claims():
    filters = Filters.from_args(request.args)
    problems = filters.problems()
    now = utcnow()
    rows, total, next_cursor, prev_cursor = [], 0, None, None
    after, before = request.args.get("after"), request.args.get("before")
    # Keyset pages have no number: the position of the page's first row travels in the links;
    # it is only a label, so a forged one misleads no one but its sender.
    first = max(1, request.args.get("first", 1, type=int)) if (after or before) else 1
    if not problems:
        matching = filters.apply(select(Claim.id), now).limit(COUNT_CAP + 1).subquery()
        total = db.session.scalar(select(func.count()).select_from(matching))
        query = _with_relations(filters.apply(select(Claim), now))
        try:
            if before:  # the previous page: read backwards from its first row, then turn it round
                query = query.where(beyond(filters.sort, before, backwards=True))
            elif after:
                query = query.where(beyond(filters.sort, after))
        except ValueError:
            abort(400)
        rows = db.session.scalars(query.order_by(*order_by(filters.sort, reverse=bool(before))).limit(PAGE_SIZE + 1)).all()
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        if before:
            rows.reverse()
            first = 1 if not more else max(first, 2)
            if rows:
                next_cursor = cursor_of(rows[-1], filters.sort)
                prev_cursor = cursor_of(rows[0], filters.sort) if more else None
        elif rows:
            next_cursor = cursor_of(rows[-1], filters.sort) if more else None
            prev_cursor = cursor_of(rows[0], filters.sort) if after else None
    article = db.session.get(Article, filters.article) if filters.article else None
    bulk_form = BulkForm.for_page(request.args, reviewer_choices())
    return (
        render_template(
            "queues/claims.html",
            rows=rows,
            total=total,
            total_label=f"more than {COUNT_CAP:,}" if total > COUNT_CAP else f"{total:,}",
            count_cap=COUNT_CAP,
            first=first,
            filters=filters,
            problems=problems,
            next_url=url_for("queues.claims", after=next_cursor, first=first + PAGE_SIZE, **filters.args())
            if next_cursor
            else None,
            prev_url=url_for("queues.claims", before=prev_cursor, first=max(1, first - PAGE_SIZE), **filters.args())
            if prev_cursor
            else None,
            first_url=url_for("queues.claims", **filters.args()) if first > 1 or prev_cursor else None,
            article=article,
            reviewers=db.session.scalars(
                select(User).where(User.role == Role.REVIEWER).order_by(User.name, User.email)
            ).all(),
            ratings=scale(),
            sorts=SORTS,
            bulk_form=bulk_form,
            now=now,
            can_bulk=current_user.can_manage_articles,
            can_export=current_user.role in MAY_EXPORT,
            selected=db_ids(request.args.get("selected", "").split(",")),
            save_form=SavedViewForm(formdata=None, query=urlencode(filters.args())),
            delete_form=ActionForm(formdata=None),
        ),
        422 if problems else 200,
    )


# -- saved views -----------------------------------------------------------------------------------


@bp.app_context_processor
def saved_views_for_menu():
    """The signed-in person's saved views, for the menu on every page (read only when shown)."""

    def saved_views() -> list[SavedView]:
        if not current_user.is_authenticated:
            return []
        return db.session.scalars(
            select(SavedView).where(SavedView.user_id == current_user.id).order_by(SavedView.name, SavedView.id)
        ).all()

    return {"saved_views": saved_views}


@bp.post("/claims/views")
def save_view():
    form = SavedViewForm()
    # Kept only as far as the list understands it: the filters, re-read and written out again.
    filters = Filters.from_args(MultiDict(parse_qsl(form.query.data or "")))
    query = urlencode(filters.args())
    back = url_for("queues.claims", **filters.args())

    def page(status: int):
        for error in form.name.errors:
            flash(error, "error")
        return redirect(back)

    if not form.validate():
        return page(422)
    return commit_change(
        lambda: workflow.save_view(by=current_user, name=form.name.data, query=query),
        form=form,
        page=page,
        done=lambda view: f"Saved as “{view.name}”: it is in your menu.",
        to=back,
    )


@bp.post("/claims/views/<id:view_id>/delete")
def delete_view(view_id: int):
    view = db.session.get(SavedView, view_id)
    if view is None:
        abort(404)
    if not ActionForm().validate():
        abort(400)
    name = view.name
    return commit_change(
        lambda: workflow.delete_view(view, by=current_user),
        form=None,
        page=lambda status: redirect(url_for("queues.claims")),
        done=f"Removed the saved view “{name}”.",
        to=url_for("queues.claims"),
    )
