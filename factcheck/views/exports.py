"""Downloads: the verdicts CSV, exactly the claims the list's filters select."""

from flask import Blueprint, Response, abort, flash, redirect, request, stream_with_context, url_for
from flask_login import current_user

from ..export import claim_url_maker, csv_chunks, export_filename, verdict_rows
from ..filters import SORTS, Filters
from ..clock import today_in_newsroom
from .helpers import MAY_EXPORT

bp = Blueprint("exports", __name__)

@bp.get("/claims/export.csv")
def verdicts_csv():
    if current_user.role not in MAY_EXPORT:
        abort(403)
    args = request.args.copy()
    if "status" not in args:
        args["status"] = "approved"  # a bare export means the published verdicts
    filters = Filters.from_args(args)
    problems = filters.problems()
    if problems:
        flash("Nothing was exported: correct the filter first.", "error")
        return redirect(url_for("queues.claims", **filters.args()))
    # In the list's order when the list sent one; otherwise by claim number, oldest first.
    sort = filters.sort if request.args.get("sort") in SORTS else "oldest"
    rows = verdict_rows(filters, claim_url_maker(), sort)
    response = Response(
        stream_with_context(csv_chunks(rows, bom=request.args.get("bom") == "1")),
        mimetype="text/csv",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{export_filename(today_in_newsroom(), filters.status)}"'
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return response
