"""Accounts: creating them and switching them off, shared by the admin pages and the CLI."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import Role, SessionEnd, User
from .security import hash_password
from .audit import record
from .errors import DomainError
from .sessions import end_sessions


class UserError(DomainError):
    """An account that cannot be created as asked; `field` names the form field."""

    def __str__(self) -> str:
        return self.message


def create_user(*, email: str, name: str, role: Role, password: str, by: User | None) -> User:
    email = email.strip().lower()
    if _email_taken(email):
        raise UserError(f"An account for {email} already exists.", field="email")
    if len(password) < User.PASSWORD_MIN:
        raise UserError(f"The password needs at least {User.PASSWORD_MIN} characters.", field="password")
    user = User(email=email, name=name, role=role, password_hash=hash_password(password))
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # another admin created the same account a moment ago
        raise UserError(f"An account for {email} already exists.", field="email") from None
    record(by, "created", user, changes={"email": [None, email], "role": [None, role.value]})
    db.session.flush()
    return user


def _email_taken(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def set_active(user: User, active: bool, *, by: User | None) -> None:
    if user.active == active:
        return
    user.active = active
    if not active:
        end_sessions(user, SessionEnd.DEACTIVATED)  # its open sessions end now, on every device
    record(by, "reactivated" if active else "deactivated", user, changes={"active": [not active, active]})
    db.session.flush()
