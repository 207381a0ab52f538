"""Web forms. Limits come from the model constants so a form and its column never disagree."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, ValidationError

from .models import Article, Claim, Role, User
from .templating import today_in_newsroom

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_address(_form, field) -> None:
    field.data = (field.data or "").strip().lower()
    if not EMAIL_PATTERN.match(field.data):
        raise ValidationError("Enter an email address like name@newsroom.org.")


def web_address(_form, field) -> None:
    """An http(s) address with a host, no user:password@, checked after parsing."""
    value = (field.data or "").strip()
    field.data = value or None
    if not value:
        return
    try:
        parts = urlsplit(value)
        port = parts.port  # raises on a malformed port
    except ValueError:
        raise ValidationError("This address could not be read; paste it again from the browser.")
    del port
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationError("Only http:// and https:// addresses are accepted.")
    if not parts.hostname:
        raise ValidationError("The address needs a host name, like https://example.org/story.")
    if parts.username is not None or parts.password is not None:
        raise ValidationError("Addresses with a user name or password in them are not accepted.")
    if any(ch.isspace() for ch in value):
        raise ValidationError("The address contains spaces.")


def not_in_future(_form, field) -> None:
    if field.data and field.data > today_in_newsroom():
        raise ValidationError("The publication date cannot be in the future.")


def password_length():
    return Length(
        min=User.PASSWORD_MIN,
        max=User.PASSWORD_MAX,
        message=f"Use at least {User.PASSWORD_MIN} characters (and at most {User.PASSWORD_MAX}).",
    )


class VersionedForm(FlaskForm):
    version = HiddenField()

    @property
    def expected_version(self) -> int:
        """The version the form was loaded at. A form without one counts as stale, so it can
        never overwrite someone else's change unseen."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=User.EMAIL_MAX)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=User.PASSWORD_MAX)])
    next = HiddenField()


class LogoutForm(FlaskForm):
    """Empty on purpose: it carries the CSRF token that makes signing out a deliberate act."""


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), password_length()],
        description=f"At least {User.PASSWORD_MIN} characters.",
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
    )


class UserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=User.EMAIL_MAX), email_address])
    name = StringField("Name", validators=[DataRequired(), Length(max=User.NAME_MAX)])
    role = SelectField("Role", choices={r.value: r.value.capitalize() for r in Role})
    password = PasswordField(
        "Initial password",
        validators=[DataRequired(), password_length()],
        description="Share it with the person; they can change it after signing in.",
    )


class ArticleForm(VersionedForm):
    title = StringField("Headline", validators=[DataRequired(), Length(max=Article.TITLE_MAX)])
    outlet = StringField(
        "Outlet",
        validators=[DataRequired(), Length(max=Article.OUTLET_MAX)],
        description="Where it was published, e.g. The Riverside Courier.",
    )
    url = StringField(
        "Original address",
        validators=[Optional(), Length(max=Article.URL_MAX), web_address],
        description="Link to the published article (http or https).",
    )
    published_on = DateField(
        "Publication date",
        validators=[Optional(), not_in_future],
        format="%Y-%m-%d",
    )
    body = TextAreaField(
        "Article text",
        description=f"Paste the text, one paragraph per line, up to {Article.BODY_MAX:,} characters.",
    )
    upload = FileField(
        "…or upload a text file",
        description="A UTF-8 .txt or .md file; it replaces the pasted text.",
    )

    def process_upload(self) -> bool:
        """Read an uploaded file into the body field, so it stays in the form if anything else
        is wrong. Returns False (with a message on the field) when the file is unusable."""
        storage = self.upload.data
        if not storage or not getattr(storage, "filename", ""):
            return True
        name = storage.filename.lower()
        if not name.endswith((".txt", ".md", ".markdown")):
            self.upload.errors = ["Upload a .txt or .md file."]
            return False
        raw = storage.read(Article.BODY_MAX * 4 + 1)
        if len(raw) > Article.BODY_MAX * 4:
            self.upload.errors = [f"The file is too large; the limit is {Article.BODY_MAX:,} characters."]
            return False
        if b"\x00" in raw:
            self.upload.errors = ["This looks like a binary file, not text. Save it as plain text (UTF-8)."]
            return False
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            self.upload.errors = [
                f"The file is not UTF-8 text (unreadable byte at position {error.start}). "
                "Save it as UTF-8 and upload it again."
            ]
            return False
        self.body.data = text
        return True


class ClaimForm(FlaskForm):
    start = IntegerField("From character", validators=[InputRequired(message="Give the start of the span.")])
    end = IntegerField("To character", validators=[InputRequired(message="Give the end of the span.")])
    wording = TextAreaField(
        "Checkable wording",
        validators=[Optional(), Length(max=Claim.WORDING_MAX)],
        description="How the claim will be checked and published. Leave empty to use the quoted text.",
    )
    claimant = StringField(
        "Claimant",
        validators=[Optional(), Length(max=Claim.CLAIMANT_MAX)],
        description="Who made the claim, if known (a person or organisation).",
    )


class ClaimEditForm(VersionedForm):
    wording = TextAreaField(
        "Checkable wording", validators=[DataRequired(), Length(max=Claim.WORDING_MAX)]
    )
    claimant = StringField("Claimant", validators=[Optional(), Length(max=Claim.CLAIMANT_MAX)])


class ConfirmForm(VersionedForm):
    confirm = BooleanField("I understand", validators=[DataRequired(message="Tick the box to confirm.")])


class ActionForm(VersionedForm):
    """A button that changes something: CSRF token and version, nothing else."""
