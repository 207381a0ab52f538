"""/api/v1/claims: the filtered list, one claim with its evidence, verdict and history, and
every move of the workflow, through the same verbs and forms as the claim page."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from .. import workflow
from ..clock import localize
from ..extensions import db
from ..filters import Filters, beyond, cursor_of, order_by
from ..forms import AssignForm, CommentForm, CorrectionForm, DropForm, EvidenceForm, NoteForm, ReturnForm, VerdictForm
from ..models import MOVES, Article, Claim, DropReason, Rating, User, utcnow
from ..ratings import scale
from ..views.helpers import claim_comments, claim_history, load_claim, rows_naming_withheld_sources
from .common import (
    apply,
    bp,
    claim_json,
    comment_json,
    event_json,
    evidence_json,
    expected_version,
    forbidden,
    invalid,
    page_size,
    payload,
    person,
    read_form,
    refuse,
    stamp,
    validated,
)

def _filters() -> Filters:
    """The claims page's filters from the query string, with the API's extras (a reviewer's
    email, overdue=true); each is checked on its own so a problem is named under its filter."""
    args = MultiDict(request.args)
    assignee = args.get("assignee", "")
    if "@" in assignee:  # the API also takes the reviewer's email
        found = db.session.scalar(select(User.id).where(User.email == assignee.strip().lower()))
        args["assignee"] = str(found) if found else "0"
    if args.get("overdue") in ("true", "yes"):
        args["overdue"] = "1"
    filters = Filters.from_args(args)
    errors = {}
    for name in ("status", "assignee", "rating", "article", "approved_from", "approved_to"):
        if args.get(name):
            problems = Filters.from_args(MultiDict({name: args[name]})).problems()
            if problems:
                errors[name] = problems[0]
    if not errors and (problems := filters.problems()):
        errors["approved_to"] = problems[0]
    if errors:
        invalid(errors)
    return filters


@bp.get("/claims")
def list_claims():
    """The claims page's list as JSON: the same filters, keyset-paged (`next` is the `after`
    of the following page, null on the last)."""
    filters = _filters()
    size = page_size()
    query = filters.apply(select(Claim), utcnow()).options(
        joinedload(Claim.article, innerjoin=True).load_only(Article.title),
        joinedload(Claim.assignee),
        joinedload(Claim.rating),
    )
    if request.args.get("after"):
        try:
            query = query.where(beyond(filters.sort, request.args["after"]))
        except ValueError:
            refuse(400, "The cursor `after` is not one this list gave out.")
    rows = db.session.scalars(query.order_by(*order_by(filters.sort)).limit(size + 1)).all()
    more = len(rows) > size
    rows = rows[:size]
    moment = utcnow()
    return {
        "items": [claim_json(claim, moment) for claim in rows],
        "next": cursor_of(rows[-1], filters.sort) if more else None,
    }


@bp.get("/claims/<id:claim_id>")
def get_claim(claim_id: int):
    return claim_detail(load_claim(claim_id))


def claim_detail(claim: Claim) -> dict:
    """The claim with what its page shows: evidence this person may see, the verdict, the
    history (rows about withheld sources redacted for those who may not see them) and comments."""
    user = current_user._get_current_object()
    history, comments = claim_history(claim), claim_comments(claim)
    redacted = rows_naming_withheld_sources(history, user)
    data = claim_json(claim)
    data["evidence"] = [evidence_json(e) for e in claim.evidence if e.is_visible_to(user)]
    data["verdict"] = {
        "rating": {"id": claim.rating.id, "name": claim.rating.name} if claim.rating else None,
        "rationale": claim.rationale,
        "submitted_at": stamp(claim.submitted_at),
        "approved_at": stamp(claim.approved_at),
        "approved_by": person(claim.approved_by),
        "published": claim.is_published,
        "published_rating": claim.published_rating.name if claim.published_rating else None,
        "corrected_at": stamp(claim.corrected_at),
    }
    data["history"] = [event_json(e, e.id in redacted) for e in history]
    data["comments"] = [comment_json(c) for c in comments]
    data["moves"] = [name for name, move in MOVE_OF.items() if claim.can(user, move)]
    return data


# -- moves -------------------------------------------------------------------------------------

# The API's name of each move -> the workflow's move (who may make it, from which statuses).
MOVE_OF = {
    "assign": "assign",
    "start": "start_research",
    "verdict": "work",
    "submit": "submit_verdict",
    "approve": "approve",
    "return": "return_for_work",
    "drop": "drop",
    "restore": "restore",
    "correct": "correct",
}


def _load_for(claim_id: int, move: str) -> Claim:
    claim = load_claim(claim_id)
    if not claim.is_actor(current_user, move):
        forbidden(f"Only {MOVES[move][0].value} may do this.")
    return claim


def _moved(claim: Claim):
    return lambda _result: claim_detail(claim)


def _assign(claim: Claim, data: dict):
    assignee = data.get("assignee")
    reviewer = None
    if isinstance(assignee, str) and "@" in assignee:
        reviewer = db.session.scalar(select(User).where(User.email == assignee.strip().lower()))
    elif type(assignee) is int or (isinstance(assignee, str) and assignee.isdigit()):
        reviewer = db.session.get(User, int(assignee))
    if assignee in (None, ""):
        invalid({"assignee": "Choose a reviewer."})
    if reviewer is None:
        invalid({"assignee": "There is no one with that email or id in this newsroom."})
    fields = {"assignee": reviewer.id, "due_date": data.get("due"), "due_time": data.get("due_time")}
    form = read_form(AssignForm, fields)
    # Any person is a choice here, so someone who is not an active reviewer gets the workflow's
    # own message ("… is not an active reviewer") rather than "not a valid choice".
    form.assignee.choices = [(reviewer.id, reviewer.name)]
    if claim.due_at:
        form.unchanged_due = localize(claim.due_at).date()
    form = _validated_due(form)
    due_at, has_time = form.due()
    return lambda: workflow.assign(
        claim, by=current_user, assignee=reviewer, due_at=due_at, due_has_time=has_time,
        expected_version=expected_version(data),
    )


def _validated_due(form):
    """The form's messages, under the API's name for the due date."""
    if not form.validate():
        renamed = {"due_date": "due"}
        invalid({renamed.get(name, name): messages[0] for name, messages in form.errors.items()})
    return form


def _verdict(claim: Claim, data: dict, submit: bool):
    """A rating (by name or id) and rationale; one left out keeps what the claim has, so a
    script can add the rationale to a drafted rating. null clears a draft's rating."""
    rating_value = data.get("rating")
    rating = claim.rating if "rating" not in data else None
    if isinstance(rating_value, str) and not rating_value.isdigit():
        rating = next((r for r in scale() if r.name.lower() == rating_value.strip().lower()), None)
        if rating is None:
            invalid({"rating": f"There is no rating “{rating_value}”."})
    elif rating_value not in (None, "", 0):
        rating = db.session.get(Rating, int(rating_value)) if str(rating_value).isdigit() and type(rating_value) is not bool else None
        if rating is None:
            invalid({"rating": f"There is no rating “{rating_value}”."})
    form = read_form(VerdictForm, {"rationale": data["rationale"] if "rationale" in data else claim.rationale})
    form.rating.choices = [(0, "")]  # the rating was read above, by name or id
    form = validated(form)
    return lambda: workflow.save_verdict(
        claim, by=current_user, rating=rating, rationale=form.rationale.data, submit=submit,
        expected_version=expected_version(data),
    )


def _note(form_class, verb, claim: Claim, data: dict, **extra):
    form = validated(read_form(form_class, {"note": data.get("note")}))
    return lambda: verb(claim, by=current_user, note=form.note.data, expected_version=expected_version(data), **extra)


def _drop(claim: Claim, data: dict):
    reasons = [r.value for r in DropReason]
    if data.get("reason") not in reasons:
        invalid({"reason": "Choose a reason: " + ", ".join(reasons) + "."})
    form = validated(read_form(DropForm, {"reason": data["reason"], "note": data.get("note")}))
    return lambda: workflow.drop(
        claim, by=current_user, reason=DropReason(form.reason.data), note=form.note.data,
        expected_version=expected_version(data),
    )


def make_move(claim_id: int, name: str):
    move = MOVE_OF[name]
    claim = _load_for(claim_id, move)
    data = payload() if request.content_length else {}
    if name == "assign":
        change = _assign(claim, data)
    elif name == "start":
        change = lambda: workflow.start_research(claim, by=current_user, expected_version=expected_version(data))  # noqa: E731
    elif name in ("verdict", "submit"):
        change = _verdict(claim, data, submit=name == "submit")
    elif name == "approve":
        change = _note(NoteForm, workflow.approve, claim, data)
    elif name == "return":
        change = _note(ReturnForm, workflow.return_for_work, claim, data)
    elif name == "correct":
        change = _note(CorrectionForm, workflow.issue_correction, claim, data)
    elif name == "drop":
        change = _drop(claim, data)
    else:
        change = lambda: workflow.restore(claim, by=current_user, expected_version=expected_version(data))  # noqa: E731
    return apply(change, _moved(claim), obj=claim)


def _move_view(name: str):
    def view(claim_id: int):
        return make_move(claim_id, name)

    view.__name__ = f"move_{name}"
    view.__doc__ = f"The {name} move on a claim."
    return view


for _name in MOVE_OF:
    bp.add_url_rule(f"/claims/<id:claim_id>/{_name}", endpoint=f"move_{_name}", view_func=_move_view(_name), methods=["POST"])


@bp.post("/claims/<id:claim_id>/evidence")
def add_evidence(claim_id: int):
    claim = _load_for(claim_id, "work")
    form = validated(read_form(EvidenceForm, payload()))
    return apply(
        lambda: workflow.add_evidence(claim, by=current_user, **{n: getattr(form, n).data for n in workflow.EVIDENCE_FIELDS}),
        lambda evidence: (evidence_json(evidence), 201),
        obj=claim,
    )


@bp.post("/claims/<id:claim_id>/comments")
def add_comment(claim_id: int):
    claim = _load_for(claim_id, "comment")
    form = validated(read_form(CommentForm, payload()))
    return apply(
        lambda: workflow.add_comment(claim, by=current_user, body=form.body.data),
        lambda comment: (comment_json(comment), 201),
        obj=claim,
    )

