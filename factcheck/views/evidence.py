"""Evidence links on a claim: added, edited and removed by the reviewer doing the research."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from .. import workflow
from ..extensions import db
from ..forms import ConfirmForm, EvidenceForm
from ..models import Evidence
from .helpers import commit_change, load_claim, render_claim_page

bp = Blueprint("evidence", __name__)


def _load(evidence_id: int) -> Evidence:
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        abort(404)
    if not evidence.claim.is_actor(current_user, "work"):
        abort(403)
    return evidence


def _values(form) -> dict:
    return {name: getattr(form, name).data for name in workflow.EVIDENCE_FIELDS}


@bp.get("/claims/<id:claim_id>/evidence")
def add_address(claim_id: int):
    """A refused "Add evidence" shows the claim page at this address; reloading it from the
    address bar (or coming back later) asks for it again: answer with the claim's evidence."""
    return redirect(url_for("claims.show", claim_id=claim_id, _anchor="evidence"), 303)


@bp.post("/claims/<id:claim_id>/evidence")
def add(claim_id: int):
    claim = load_claim(claim_id)
    if not claim.is_actor(current_user, "work"):
        abort(403)
    form = EvidenceForm()
    if not form.validate():
        return render_claim_page(claim, 422, evidence_form=form)
    return commit_change(
        lambda: workflow.add_evidence(claim, by=current_user, **_values(form)),
        form=form,
        obj=claim,
        page=lambda status: render_claim_page(claim, status, evidence_form=form),
        done="Evidence added.",
        to=url_for("claims.show", claim_id=claim.id, _anchor="evidence"),
    )


@bp.route("/evidence/<id:evidence_id>/edit", methods=["GET", "POST"])
def edit(evidence_id: int):
    evidence = _load(evidence_id)
    form = EvidenceForm(obj=evidence if request.method == "GET" else None)

    def page(status: int):
        return render_template("evidence/edit.html", form=form, evidence=evidence, stale=status == 409), status

    if request.method == "GET":
        form.version.data = evidence.version
        form.stance.data = evidence.stance.value
        return page(200)
    if not form.validate():
        return page(422)
    return commit_change(
        lambda: workflow.edit_evidence(evidence, by=current_user, expected_version=form.expected_version, **_values(form)),
        form=form,
        obj=evidence,
        page=page,
        stale_message=lambda: (
            "Someone else changed this evidence while you were editing. It is shown below as it is "
            "now; your version is in the form."
        ),
        done="Evidence saved.",
        to=url_for("claims.show", claim_id=evidence.claim_id, _anchor="evidence"),
    )


@bp.route("/evidence/<id:evidence_id>/delete", methods=["GET", "POST"])
def delete(evidence_id: int):
    evidence = _load(evidence_id)
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = evidence.version
    elif form.validate():
        claim_url = url_for("claims.show", claim_id=evidence.claim_id)
        return commit_change(
            lambda: workflow.remove_evidence(evidence, by=current_user, expected_version=form.expected_version),
            form=form,
            page=lambda status: redirect(claim_url),
            done="Evidence removed (it stays in the claim's history).",
            to=claim_url + "#evidence",
        )
    return render_template("evidence/delete.html", form=form, evidence=evidence), 422 if form.errors else 200
