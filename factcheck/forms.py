"""Web forms. Limits come from the model constants so a form and its column never disagree."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, ValidationError

from .links import web_address_problem
from .models import MAX_ID, ApiToken, Article, ArticleRevision, Claim, ClaimantKind, Comment, Correction, Delivery, DropReason, Evidence, EvidenceStance, NotificationKind, PolicyPage, Rating, RatingTone, Role, SavedView, Tip, User, WebhookEndpoint, WebhookEvent, utcnow
from .clock import due_instant, today_in_newsroom
from .documents import MAX_BYTES, document_text
from .errors import DomainError
from .text import check_body

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_address(_form, field) -> None:
    field.data = (field.data or "").strip().lower()
    if not EMAIL_PATTERN.match(field.data):
        raise ValidationError("Enter an email address like name@newsroom.org.")


def web_address(_form, field) -> None:
    value = (field.data or "").strip()
    field.data = value or None
    if value and (problem := web_address_problem(value)):
        raise ValidationError(problem)


def not_in_future(_form, field) -> None:
    if field.data and field.data > today_in_newsroom():
        raise ValidationError("The publication date cannot be in the future.")


def password_length():
    return Length(
        min=User.PASSWORD_MIN,
        max=User.PASSWORD_MAX,
        message=f"Use at least {User.PASSWORD_MIN} characters (and at most {User.PASSWORD_MAX}).",
    )


def _drop_nul(value):
    """NUL characters are invisible, useless in text, and refused by PostgreSQL: drop them."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class Form(FlaskForm):
    """Every form of factcheck: text fields lose NUL characters before validation."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [*unbound_field.kwargs.get("filters", ()), _drop_nul]
            return unbound_field.bind(form=form, filters=filters, **options)


class VersionedForm(Form):
    version = HiddenField()

    @property
    def expected_version(self) -> int:
        """The version the form was loaded at. A form without one counts as stale, so it can
        never overwrite someone else's change unseen."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1


class LoginForm(Form):
    email = EmailField(
        "Email",
        validators=[DataRequired("Enter your email address."), Length(max=User.EMAIL_MAX)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=User.PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class LogoutForm(Form):
    """Empty on purpose: it carries the CSRF token that makes signing out a deliberate act."""


class PasswordChangeForm(Form):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a new password."), password_length()],
        description=f"At least {User.PASSWORD_MIN} characters.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired("Repeat the new password."), EqualTo("new_password", message="The two passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )


class ApiTokenForm(Form):
    name = StringField(
        "Name",
        validators=[DataRequired(ApiToken.NAME_REQUIRED), Length(max=ApiToken.NAME_MAX)],
        description="What will use it, e.g. CMS plug-in or Slack bot.",
    )
    scope = RadioField(
        "It may",
        choices={"read": "Read only", "write": "Read and write (whatever your role allows)"},
        default="read",
        validators=[InputRequired("Choose read or write.")],
    )


class UserForm(Form):
    email = EmailField(
        "Email",
        validators=[DataRequired("Enter their email address."), Length(max=User.EMAIL_MAX), email_address],
        render_kw={"autocomplete": "off"},
    )
    name = StringField("Name", validators=[DataRequired("Enter their name."), Length(max=User.NAME_MAX)])
    role = SelectField("Role", choices={r.value: r.value.capitalize() for r in Role}, default=Role.REVIEWER.value)
    password = PasswordField(
        "Initial password",
        validators=[DataRequired("Choose a first password for them."), password_length()],
        description="Share it with the person; they can change it after signing in.",
        render_kw={"autocomplete": "new-password"},
    )


class ArticleForm(VersionedForm):
    title = StringField(
        "Headline", validators=[DataRequired("Give the article's headline."), Length(max=Article.TITLE_MAX)]
    )
    outlet = StringField(
        "Outlet",
        validators=[DataRequired("Say where it was published."), Length(max=Article.OUTLET_MAX)],
        description="Where it was published, e.g. The Riverside Courier.",
    )
    author = StringField(
        "Author or byline",
        validators=[Optional(), Length(max=Article.AUTHOR_MAX)],
        description="Optional: who wrote it, as the byline reads.",
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
        description=f"Paste the article as published, with an empty line between paragraphs "
        f"(up to {Article.BODY_MAX:,} characters).",
    )
    upload = FileField(
        "…or upload a text file",
        description="A UTF-8 .txt or .md file, an .html page or a Word .docx document; it replaces the pasted text.",
    )

    upload_error: str | None = None
    uploaded_name: str | None = None  # the file the text came from, for the revision's record

    def read_upload(self) -> None:
        """Put an uploaded file's text into the body field before validation, so the text stays
        in the form if anything else is wrong; an unusable file leaves a message for the field."""
        storage = self.upload.data
        if not storage or not getattr(storage, "filename", ""):
            return
        self.uploaded_name = storage.filename[: ArticleRevision.SOURCE_DETAIL_MAX]
        try:
            self.body.data = document_text(storage.filename, storage.read(MAX_BYTES + 1))
        except DomainError as error:
            self.upload_error = error.message

    def validate_body(self, field) -> None:
        if self.upload_error:
            return  # the message beside the upload says what to do
        try:
            check_body(field.data)
        except DomainError as error:
            raise ValidationError(error.message)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.upload_error:
            self.upload.errors.append(self.upload_error)
            return False
        return valid


class NewArticleForm(ArticleForm):
    """A new article: its text pasted, uploaded, or fetched from a link (intake.py)."""

    link = StringField(
        "Fetch from a link",
        validators=[Optional(), Length(max=Article.URL_MAX), web_address],
        description="The address of the article's page. factcheck fetches it and takes the text, "
        "headline, outlet, author and date from it; what you type below wins.",
        render_kw={"inputmode": "url", "autocomplete": "url", "placeholder": "https://"},
    )

    fetched_from: str | None = None  # the page the text was taken from

    @property
    def fetching(self) -> bool:
        """A link was given and no text: the text comes from the link."""
        return bool((self.link.data or "").strip()) and not self.uploaded_name and not (self.body.data or "").strip()

    def take(self, found) -> None:
        """Fill the form from a fetched page (intake.Extracted): the text, the final address, and
        the headline, outlet, author and date where the editor left them empty."""
        self.fetched_from = found.url
        self.body.data = found.text
        self.url.data = found.url[: Article.URL_MAX]
        if not (self.title.data or "").strip() and found.title:
            self.title.data = found.title
        if not (self.outlet.data or "").strip() and found.outlet:
            self.outlet.data = found.outlet
        if not (self.author.data or "").strip() and found.author:
            self.author.data = found.author
        typed_date = (self.published_on.raw_data or [""])[0]
        if not typed_date and found.published_on:
            self.published_on.data = found.published_on
            self.published_on.raw_data = [found.published_on.isoformat()]
            self.published_on.process_errors = []  # an empty date box reads as "not a valid date" until filled

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if (self.link.data or "").strip() and not self.fetched_from and not self.fetching:
            self.link.errors.append(
                "Give a link or the article's text, not both: clear the link to save the text below, "
                "or clear the text (and file) to fetch the page."
            )
            return False
        return valid
class ApiArticleForm(ArticleForm):
    """An article sent to the JSON API: the outlet may be left out (a script may not know it)."""

    outlet = StringField("Outlet", validators=[Optional(), Length(max=Article.OUTLET_MAX)])


class ClaimForm(Form):
    start = IntegerField("From character", validators=[InputRequired(message="Give the start of the span.")])
    end = IntegerField("To character", validators=[InputRequired(message="Give the end of the span.")])
    wording = TextAreaField(
        "Checkable wording",
        validators=[Optional(), Length(max=Claim.WORDING_MAX)],
        description="Starts as the quoted text; rewrite it as a statement that can be checked on its own.",
    )
    claimant = StringField(
        "Claimant",
        validators=[Optional(), Length(max=Claim.CLAIMANT_MAX)],
        description="Who made the claim, if known (a person or organisation).",
    )
    claimant_kind = RadioField(
        "The claimant is", choices={k.value: k.label for k in ClaimantKind}, default=ClaimantKind.PERSON.value
    )
    duplicate_of = IntegerField(
        "Already checked as",
        validators=[Optional(), NumberRange(min=1, max=MAX_ID, message=Claim.DUPLICATE_NOT_FOUND)],
    )


class ClaimEditForm(VersionedForm):
    wording = TextAreaField(
        "Checkable wording",
        validators=[DataRequired(Claim.WORDING_REQUIRED), Length(max=Claim.WORDING_MAX)],
    )
    claimant = StringField("Claimant", validators=[Optional(), Length(max=Claim.CLAIMANT_MAX)])
    claimant_kind = RadioField(
        "The claimant is", choices={k.value: k.label for k in ClaimantKind}, default=ClaimantKind.PERSON.value
    )


class ConfirmForm(VersionedForm):
    confirm = BooleanField("I understand", validators=[DataRequired(message="Tick the box to confirm.")])


class ActionForm(VersionedForm):
    """A button that changes something: CSRF token and version, nothing else."""


class SavedViewForm(Form):
    """Save the claims list's current filter under a name, for the person's menu."""

    name = StringField(
        "Save this view as",
        validators=[DataRequired(message="Name the view."), Length(max=SavedView.NAME_MAX)],
        description="It appears in your menu; saving under the same name again updates it.",
    )
    query = HiddenField(validators=[Length(max=SavedView.QUERY_MAX)])


# -- the checking workflow ----------------------------------------------------------------------


class DueFields:
    """A due date with an optional time, in the newsroom's time zone."""

    due_date = DateField(
        "Due date", validators=[InputRequired("Give a due date.")], format="%Y-%m-%d"
    )
    due_time = TimeField(
        "Time (optional)",
        validators=[Optional()],
        format="%H:%M",
        description="Without a time the claim is due by the end of that day.",
    )

    unchanged_due: date | None = None  # a claim's current due date may stay, even when past

    def validate_due_date(self, field) -> None:
        if field.data and field.data < today_in_newsroom() and field.data != self.unchanged_due:
            raise ValidationError("The due date is in the past.")

    def validate_due_time(self, field) -> None:
        if field.data and self.due_date.data == today_in_newsroom() and self.due_date.data != self.unchanged_due:
            due_at, _ = due_instant(self.due_date.data, field.data)
            if due_at < utcnow():
                raise ValidationError("That time today has already passed.")

    def due(self) -> tuple[datetime, bool]:
        return due_instant(self.due_date.data, self.due_time.data)


class AssignForm(DueFields, VersionedForm):
    assignee = SelectField("Reviewer", coerce=int, validators=[InputRequired("Choose a reviewer.")])

    def validate_assignee(self, field) -> None:
        if not field.data:
            raise ValidationError("Choose a reviewer.")


class BulkForm(DueFields, Form):
    """Assign or drop several claims at once, from the article page or the claims list."""

    # What a refused Apply brings back to the page, as bulk_<name> in its address.
    CARRIED = ("action", "assignee", "due_date", "reason")

    action = SelectField("Action", choices={"assign": "Assign", "drop": "Drop"})
    assignee = SelectField("Reviewer", coerce=int, validators=[Optional()])
    reason = SelectField("Reason", choices={r.value: r.label for r in DropReason}, validators=[Optional()])
    due_date = DateField("Due date", validators=[Optional()], format="%Y-%m-%d")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.action.data == "assign":
            if not self.assignee.data:
                self.assignee.errors.append("Choose a reviewer.")
                valid = False
            if not self.due_date.data and not self.due_date.errors:
                self.due_date.errors.append("Give a due date.")
                valid = False
        return valid

    @classmethod
    def for_page(cls, args, reviewers: list[tuple[int, str]]) -> BulkForm:
        """The bulk bar as a page shows it, with the choices of a refused Apply put back."""
        carried = MultiDict([(name, args[f"bulk_{name}"]) for name in cls.CARRIED if args.get(f"bulk_{name}")])
        form = cls(formdata=carried or None)
        form.assignee.choices = [(0, "Choose a reviewer…")] + reviewers
        return form


class EvidenceForm(VersionedForm):
    url = StringField(
        "Address of the source",
        validators=[DataRequired(Evidence.URL_REQUIRED), Length(max=Evidence.URL_MAX), web_address],
        render_kw={"placeholder": "https://", "inputmode": "url"},
    )
    source = StringField(
        "Source or title",
        validators=[DataRequired(Evidence.SOURCE_REQUIRED), Length(max=Evidence.SOURCE_MAX)],
        description="e.g. National Statistics Office, table 4.2",
    )
    stance = RadioField(
        "What it shows",
        choices={s.value: s.label for s in EvidenceStance},
        validators=[InputRequired(Evidence.STANCE_REQUIRED)],
    )
    summary = TextAreaField(
        "Notes", validators=[Optional(), Length(max=Evidence.NOTE_MAX)], description="What in it matters, in a line or two."
    )
    archive_url = StringField(
        "Archived copy (optional)",
        validators=[Optional(), Length(max=Evidence.URL_MAX), web_address],
        description="A saved copy, in case the page changes.",
    )
    withheld = BooleanField("Source withheld: keep this link private")
    withheld_reason = StringField(
        "Why it must stay private", validators=[Optional(), Length(max=Evidence.NOTE_MAX)]
    )

    def validate_withheld_reason(self, field) -> None:
        if self.withheld.data and not (field.data or "").strip():
            raise ValidationError(Evidence.WITHHELD_REASON_REQUIRED)


class VerdictForm(VersionedForm):
    rating = SelectField("Rating", coerce=int, validators=[Optional()])
    rationale = TextAreaField(
        "Rationale",
        validators=[Optional(), Length(max=Claim.RATIONALE_MAX)],
        description="Why this rating: what the evidence shows, in a few sentences readers can follow.",
    )


class NoteForm(VersionedForm):
    note = TextAreaField("Note", validators=[Optional(), Length(max=Claim.NOTE_MAX)])


class ReturnForm(VersionedForm):
    note = TextAreaField(
        "What needs doing",
        validators=[DataRequired(Claim.RETURN_NOTE_REQUIRED), Length(max=Claim.NOTE_MAX)],
    )


class CorrectionForm(VersionedForm):
    note = TextAreaField(
        "What changed and why",
        validators=[DataRequired(Correction.NOTE_REQUIRED), Length(max=Correction.NOTE_MAX)],
        description="Public: shown on the verdict page and in the corrections log once the corrected verdict is approved.",
    )


class TextChangeForm(VersionedForm):
    decision = RadioField(
        "Decision",
        choices={"keep": "Keep the work: it still holds for the new words", "recheck": "Send it back to research"},
        validators=[InputRequired("Choose whether to keep the work or send it back.")],
    )
    note = TextAreaField("Why (recorded in the history; the reviewer sees it if it goes back)",
                         validators=[Optional(), Length(max=Claim.NOTE_MAX)])


class DropForm(VersionedForm):
    reason = SelectField("Reason", choices={r.value: r.label for r in DropReason})
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=Claim.NOTE_MAX)])


class CommentForm(Form):
    body = TextAreaField(
        "Comment", validators=[DataRequired(Comment.BODY_REQUIRED), Length(max=Comment.BODY_MAX)]
    )


class RatingForm(Form):
    name = StringField("Name", validators=[DataRequired(Rating.NAME_REQUIRED), Length(max=Rating.NAME_MAX)])
    description = StringField(
        "Help text", validators=[Optional(), Length(max=Rating.DESCRIPTION_MAX)], description="Shown beside the choice."
    )
    tone = SelectField(
        "Colour",
        choices={t.value: t.label for t in RatingTone},
        description="Green to red rank claims from true to false, and give published verdicts their number "
        "in ClaimReview; purple and slate are for ratings off that line, such as Misleading or Unproven.",
    )
    needs_evidence = BooleanField("A verdict with this rating needs at least one evidence link", default=True)


class PolicyPageForm(VersionedForm):
    title = StringField("Title", validators=[DataRequired(PolicyPage.TITLE_REQUIRED), Length(max=PolicyPage.TITLE_MAX)])
    body = TextAreaField(
        "Text",
        validators=[DataRequired(PolicyPage.BODY_REQUIRED), Length(max=PolicyPage.BODY_MAX)],
        description="Markdown: ## for a heading, **bold**, *italic*, - for a list, [words](https://...) for a link. "
        "HTML is shown as typed, not run.",
    )


class TipForm(Form):
    """A reader's tip. `website` is a honeypot: hidden from people, filled in by bots."""

    text = TextAreaField(
        "What does the claim say?",
        validators=[DataRequired(Tip.TEXT_REQUIRED), Length(max=Tip.TEXT_MAX, message=f"Keep it under {Tip.TEXT_MAX:,} characters.")],
        description="In your own words, or copied from where you saw it.",
    )
    seen_at = StringField(
        "Where did you see it? (optional)",
        validators=[Optional(), Length(max=Tip.URL_MAX, message=f"The address is longer than {Tip.URL_MAX:,} characters."), web_address],
        description="A link to the post, video or article, starting with https:// or http://.",
    )
    contact = StringField(
        "How can we reach you? (optional)",
        validators=[Optional(), Length(max=Tip.CONTACT_MAX, message=f"Keep the contact under {Tip.CONTACT_MAX} characters.")],
        description="An email address or phone number, if you would like to hear back. Only our editors see it, "
        "and it is deleted after a few weeks.",
    )
    website = StringField("Leave this field empty", validators=[Optional()])

    def validate_website(self, field) -> None:
        if (field.data or "").strip():
            raise ValidationError(
                "This form looked automated, so it was not sent. If you are a person, empty the field "
                "labelled 'Leave this field empty' and send it again."
            )


class TipActionForm(VersionedForm):
    into = IntegerField("Same as tip number", validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
class NotificationSettingsForm(Form):
    """One choice per kind of notification: email at once, in the daily digest, or never. The
    fields are named after the kinds (added below)."""

    @property
    def kinds(self):
        return [(kind, self[kind.value]) for kind in NotificationKind]


for _kind in NotificationKind:
    _choices = [d for d in Delivery if not (_kind.digest_only and d is Delivery.NOW)]
    setattr(
        NotificationSettingsForm,
        _kind.value,
        RadioField(_kind.label, choices={d.value: d.label for d in _choices}, validators=[InputRequired("Choose when to be told.")]),
    )


class WebhookForm(Form):
    url = StringField(
        "Address",
        validators=[DataRequired("Paste the address that should receive the deliveries."), Length(max=WebhookEndpoint.URL_MAX), web_address],
        description="An https address of the system that should hear about claims. Private and local "
        "networks are refused unless the server allows them.",
    )
    description = StringField(
        "What it is for (optional)", validators=[Optional(), Length(max=WebhookEndpoint.DESCRIPTION_MAX)],
        description="So the next admin knows, e.g. “CMS verdict boxes” or “#factcheck chat channel”.",
    )
    events = SelectMultipleField(
        "Events",
        choices={e.value: e.label for e in WebhookEvent},
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired("Choose at least one event to send.")],
    )
