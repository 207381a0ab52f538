"""The verdict scale: the default ratings and the admin's changes to them (each audited)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import Rating, RatingTone, User
from .audit import record
from .errors import DomainError

# name, help shown beside the choice, colour, whether a verdict with it needs evidence
DEFAULT_SCALE = [
    ("True", "Accurate, and nothing significant is missing.", RatingTone.GREEN, True),
    ("Mostly true", "Accurate, but needs clarification or more context.", RatingTone.LIME, True),
    ("Half true", "Partly accurate; leaves out important details or takes things out of context.", RatingTone.YELLOW, True),
    ("Mostly false", "Has an element of truth but ignores facts that would change the impression.", RatingTone.ORANGE, True),
    ("False", "Not accurate.", RatingTone.RED, True),
    ("Misleading", "Accurate facts presented so that they give a false impression.", RatingTone.PURPLE, True),
    ("Unproven", "The evidence available neither proves nor disproves it.", RatingTone.SLATE, False),
]


def install_default_scale() -> bool:
    """Add the default scale to a newsroom that has no ratings yet."""
    if db.session.scalar(select(func.count()).select_from(Rating)):
        return False
    for position, (name, description, tone, needs_evidence) in enumerate(DEFAULT_SCALE):
        db.session.add(Rating(name=name, description=description, tone=tone, needs_evidence=needs_evidence, position=position))
    db.session.flush()
    return True


def scale(include_retired: bool = True) -> list[Rating]:
    query = select(Rating).order_by(Rating.position, Rating.id)
    if not include_retired:
        query = query.where(Rating.retired.is_(False))
    return list(db.session.scalars(query))


def rating_number(rating: Rating, scale: list[Rating]) -> dict:
    """A rating on the true–false line (green to red) as a number counting down that line from
    its top (the truest rating is best), retired ratings keeping their place; one off the line
    (Misleading, Unproven) has no number, since none between True and False says what it means."""
    line = [r.id for r in scale if r.tone.on_true_false_line]
    if rating.id not in line:
        return {"value": None, "best": None, "worst": None}
    return {"value": len(line) - line.index(rating.id), "best": len(line), "worst": 1}


def _check_name(name: str, rating: Rating | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(Rating.NAME_REQUIRED, field="name")
    clash = db.session.scalar(select(Rating).where(func.lower(Rating.name) == name.lower()))
    if clash is not None and clash is not rating:
        raise DomainError(f"There is already a rating called “{clash.name}”.", field="name")
    return name


def create_rating(*, by: User, name: str, description: str, tone: RatingTone, needs_evidence: bool) -> Rating:
    name = _check_name(name)
    position = (db.session.scalar(select(func.max(Rating.position))) or 0) + 1
    rating = Rating(name=name, description=(description or "").strip(), tone=tone, needs_evidence=needs_evidence, position=position)
    db.session.add(rating)
    try:
        db.session.flush()
    except IntegrityError:  # another admin added a rating at the same moment
        raise DomainError(
            f"Someone else changed the scale a moment ago; look at it again before adding “{name}”.", field="name"
        ) from None
    record(by, "created", rating, changes={"name": [None, name]})
    db.session.flush()
    return rating


def edit_rating(rating: Rating, *, by: User, name: str, description: str, tone: RatingTone, needs_evidence: bool) -> None:
    values = {
        "name": _check_name(name, rating),
        "description": (description or "").strip(),
        "tone": tone,
        "needs_evidence": needs_evidence,
    }
    changes = {}
    for key, value in values.items():
        if getattr(rating, key) != value:
            changes[key] = [str(getattr(rating, key)), str(value)]
            setattr(rating, key, value)
    if changes:
        try:
            db.session.flush()
        except IntegrityError:  # another admin gave a rating this name at the same moment
            raise DomainError(f"There is already a rating called “{values['name']}”.", field="name") from None
        record(by, "edited", rating, changes=changes)
        db.session.flush()


def move_rating(rating: Rating, *, by: User, direction: int) -> None:
    """Swap with the neighbour above (-1) or below (+1) on the scale."""
    ordered = scale()
    index = ordered.index(rating)
    other_index = index + direction
    if not 0 <= other_index < len(ordered):
        return
    other = ordered[other_index]
    for position, item in enumerate(ordered):
        item.position = position  # close any gaps before swapping
    rating.position, other.position = other.position, rating.position
    db.session.flush()
    record(by, "moved", rating, changes={"position": [index + 1, other_index + 1]})
    db.session.flush()


def set_retired(rating: Rating, *, by: User, retired: bool) -> None:
    if rating.retired == retired:
        return
    if retired and len(scale(include_retired=False)) <= 1:
        raise DomainError("The scale needs at least one rating in use.")
    rating.retired = retired
    db.session.flush()
    record(by, "retired" if retired else "reinstated", rating, changes={"retired": [not retired, retired]})
    db.session.flush()
