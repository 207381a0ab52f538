"""A person's notifications: the list (newest first), marking them read, and the settings that
say which reach them by email, and when."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select, update

from ..extensions import db
from ..forms import ActionForm, NotificationSettingsForm
from ..models import Delivery, Notification, NotificationKind, NotificationPreference, utcnow
from ..notify import preferences

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

PAGE = 50


@bp.app_context_processor
def unread_count_for_top_bar():
    """The unread count in the top bar (counted only when a page shows it)."""

    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        return db.session.scalar(
            select(func.count()).select_from(Notification).where(
                Notification.recipient_id == current_user.id, Notification.read_at.is_(None)
            )
        )

    return {"unread_notifications": unread_notifications}


@bp.get("")
def index():
    before = request.args.get("before", type=int)
    query = select(Notification).where(Notification.recipient_id == current_user.id)
    if before:
        query = query.where(Notification.id < before)
    rows = db.session.scalars(query.order_by(Notification.id.desc()).limit(PAGE + 1)).all()
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return render_template(
        "notifications/index.html",
        notifications=rows,
        older=rows[-1].id if more else None,
        action_form=ActionForm(),
    )


@bp.post("/<id:notification_id>/read")
def mark_read(notification_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.recipient_id != current_user.id:
        abort(404)  # someone else's: nobody learns it exists
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.post("/read-all")
def mark_all_read():
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    result = db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    flash(f"Marked {result.rowcount} notification{'s' if result.rowcount != 1 else ''} read.", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    current = preferences(current_user.id)
    form = NotificationSettingsForm(data={kind.value: current[kind].value for kind in NotificationKind})
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("notifications/settings.html", form=form), status
    stored = {
        p.kind: p for p in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == current_user.id)
        )
    }
    for kind, field in form.kinds:
        choice = Delivery(field.data)
        if kind in stored:
            stored[kind].delivery = choice
        else:
            db.session.add(NotificationPreference(user_id=current_user.id, kind=kind, delivery=choice))
    db.session.commit()
    flash("Your email settings are saved.", "success")
    return redirect(url_for("notifications.settings"))
