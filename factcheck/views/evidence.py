"""Evidence links on a claim: added, edited and removed by the reviewer doing the research."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import workflow
from ..extensions import db
from ..forms import ConfirmForm, EvidenceForm
from ..models import Evidence
from .articles import attach_error
from .claims import load_claim, render_claim_page

bp = Blueprint("evidence", __name__)

FIELDS = ("url", "source", "stance", "summary", "archive_url", "withheld", "withheld_reason")


def _load(evidence_id: int) -> Evidence:
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        abort(404)
    if not evidence.claim.is_actor(current_user, "work"):
        abort(403)
    return evidence


def _values(form) -> dict:
    return {name: getattr(form, name).data for name in FIELDS}


@bp.post("/claims/<int:claim_id>/evidence")
def add(claim_id: int):
    claim = load_claim(claim_id)
    if not claim.is_actor(current_user, "work"):
        abort(403)
    form = EvidenceForm()
    if form.validate():
        try:
            workflow.add_evidence(claim, by=current_user, **_values(form))
        except workflow.WorkflowError as error:
            db.session.rollback()
            db.session.refresh(claim)
            attach_error(form, error)
            return render_claim_page(claim, 422 if error.field else 409, evidence_form=form)
        else:
            db.session.commit()
            flash("Evidence added.", "success")
            return redirect(url_for("claims.show", claim_id=claim.id, _anchor="evidence"))
    return render_claim_page(claim, 422, evidence_form=form)


@bp.route("/evidence/<int:evidence_id>/edit", methods=["GET", "POST"])
def edit(evidence_id: int):
    evidence = _load(evidence_id)
    form = EvidenceForm(obj=evidence if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = evidence.version
        form.stance.data = evidence.stance.value
    elif form.validate():
        try:
            workflow.edit_evidence(evidence, by=current_user, expected_version=form.expected_version, **_values(form))
        except workflow.StaleEdit:
            db.session.rollback()
            db.session.refresh(evidence)
            flash("Someone else changed this evidence while you were editing. It is shown below as it is now; your version is in the form.", "error")
            form.version.data = evidence.version
            return render_template("evidence/edit.html", form=form, evidence=evidence, stale=True), 409
        except workflow.WorkflowError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Evidence saved.", "success")
            return redirect(url_for("claims.show", claim_id=evidence.claim_id, _anchor="evidence"))
    return render_template("evidence/edit.html", form=form, evidence=evidence), 422 if form.errors else 200


@bp.route("/evidence/<int:evidence_id>/delete", methods=["GET", "POST"])
def delete(evidence_id: int):
    evidence = _load(evidence_id)
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = evidence.version
    elif form.validate():
        claim_id = evidence.claim_id
        try:
            workflow.remove_evidence(evidence, by=current_user, expected_version=form.expected_version)
        except workflow.WorkflowError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("claims.show", claim_id=claim_id))
        db.session.commit()
        flash("Evidence removed (it stays in the claim's history).", "success")
        return redirect(url_for("claims.show", claim_id=claim_id, _anchor="evidence"))
    return render_template("evidence/delete.html", form=form, evidence=evidence), 422 if form.errors else 200
