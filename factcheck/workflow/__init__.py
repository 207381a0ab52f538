"""Every change to articles, claims and evidence, one module per noun. Each verb checks that this
person may make the change and that it is allowed now, changes the objects, writes one audit
row and flushes; only views and CLI commands commit. Verbs raise the domain errors of
`factcheck.errors`, re-exported here so callers can name them as `workflow.WorkflowError`."""

from ..errors import DomainError, NotAllowed, StaleEdit, WorkflowError
from .articles import ARTICLE_FIELDS, RevisionResult, add_revision, create_article, edit_article
from .claims import (
    MOVE_NAMES,
    approve,
    assign,
    check_span,
    create_claim,
    decide_text_change,
    delete_claim,
    drop,
    edit_claim,
    issue_correction,
    restore,
    return_for_work,
    save_verdict,
    start_research,
)
from .saved_views import delete_view, save_view
from .tips import dismiss_tip, erase_old_contacts, merge_tip, submit_tip, tip_to_article, tip_to_claim
from .evidence import EVIDENCE_FIELDS, add_comment, add_evidence, edit_evidence, remove_evidence

__all__ = [
    "ARTICLE_FIELDS", "EVIDENCE_FIELDS", "RevisionResult", "add_revision", "decide_text_change", "MOVE_NAMES", "DomainError", "NotAllowed", "StaleEdit",
    "WorkflowError", "dismiss_tip", "erase_old_contacts", "merge_tip", "submit_tip", "tip_to_article", "tip_to_claim", "add_comment", "add_evidence", "approve", "assign", "check_span",
    "create_article", "create_claim", "delete_claim", "delete_view", "drop", "edit_article", "edit_claim",
    "edit_evidence", "issue_correction", "remove_evidence", "restore", "return_for_work",
    "save_verdict", "save_view", "start_research",
]
