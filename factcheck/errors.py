"""The one family of domain errors: a change that is not allowed, raised by the verbs and turned
into a page (or a JSON problem) by the one error path in views."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A change that is not allowed now; `field` names the form field the message belongs beside
    (None: the change as a whole is impossible, which the page shows as a conflict)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# The name the verbs have always raised; one class, two names.
WorkflowError = DomainError


class NotAllowed(DomainError):
    """This person may not make this change at all (403)."""


class StaleEdit(DomainError):
    """Someone else saved the same object since this form was loaded (409, typed text kept)."""

    def __init__(self, obj: Any):
        super().__init__(
            "Someone else changed this while you were editing. Their version is shown below; "
            "your text is kept in the form so you can re-apply it."
        )
        self.obj = obj
