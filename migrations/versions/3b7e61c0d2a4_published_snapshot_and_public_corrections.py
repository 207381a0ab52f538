"""What readers see is fixed at approval; correction notices are written for readers; history
rows name their evidence; claimants are people or organisations

Revision ID: 3b7e61c0d2a4
Revises: ffecff95ea73
Create Date: 2026-11-29 16:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b7e61c0d2a4'
down_revision = 'ffecff95ea73'
branch_labels = None
depends_on = None

ON_TRUE_FALSE_LINE = ("green", "lime", "yellow", "orange", "red")
CONTEXT_CHARS = 280


def upgrade():
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimant_kind', sa.Enum('person', 'organization', name='claimant_kind', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='person'))
        batch_op.add_column(sa.Column('published_snapshot', sa.JSON(), nullable=True))
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_note', sa.Text(), nullable=True))
    # Not in batch mode: on SQLite that would copy the table and lose its append-only triggers.
    op.add_column('audit_events', sa.Column('evidence_id', sa.Integer(), nullable=True))

    # Corrections published so far showed their note to readers: it stays their public text.
    op.execute("UPDATE corrections SET public_note = note WHERE published_at IS NOT NULL")
    _snapshot_published_verdicts()


def _snapshot_published_verdicts():
    """Fix what readers see of each verdict published before this revision, as it is now."""
    conn = op.get_bind()
    ratings = conn.execute(sa.text("SELECT id, name, tone FROM ratings ORDER BY position, id")).all()
    line = [r.id for r in ratings if r.tone in ON_TRUE_FALSE_LINE]
    by_id = {r.id: r for r in ratings}
    rows = conn.execute(sa.text(
        "SELECT c.id, c.published_rating_id, c.claimant, c.start, c.\"end\", a.title, a.outlet, a.url, "
        "a.published_on, a.body FROM claims c JOIN articles a ON a.id = c.article_id "
        "WHERE c.first_published_at IS NOT NULL"
    )).all()
    claims = sa.table('claims', sa.column('id', sa.Integer), sa.column('published_snapshot', sa.JSON))
    for row in rows:
        rating = by_id.get(row.published_rating_id)
        number = {"value": None, "best": None, "worst": None}
        if rating is not None and rating.id in line:
            number = {"value": len(line) - line.index(rating.id), "best": len(line), "worst": 1}
        published_on = row.published_on
        snapshot = {
            "rating": {"name": rating.name, "tone": rating.tone, **number} if rating else None,
            "article": {
                "title": row.title, "outlet": row.outlet, "url": row.url,
                "published_on": published_on if isinstance(published_on, str) or published_on is None else published_on.isoformat(),
            },
            "claimant": {"name": row.claimant, "kind": "person"},
            "context": _context(row.body, row.start, row.end),
        }
        conn.execute(claims.update().where(claims.c.id == row.id).values(published_snapshot=snapshot))


def _context(body, start, end):
    """The span in its paragraph, as factcheck.text.span_context cut it on this day."""
    before_from = body.rfind("\n", 0, start) + 1
    if start - before_from > CONTEXT_CHARS:
        before_from = body.find(" ", start - CONTEXT_CHARS, start) + 1 or start - CONTEXT_CHARS
    after_to = body.find("\n", end)
    after_to = len(body) if after_to < 0 else after_to
    if after_to - end > CONTEXT_CHARS:
        after_to = body.rfind(" ", end, end + CONTEXT_CHARS)
        after_to = end + CONTEXT_CHARS if after_to < 0 else after_to
    before = ("…" if before_from > 0 and body[before_from - 1] != "\n" else "") + body[before_from:start]
    after = body[end:after_to] + ("…" if after_to < len(body) and body[after_to] != "\n" else "")
    return [before, body[start:end], after]


def downgrade():
    op.drop_column('audit_events', 'evidence_id')
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_column('public_note')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_claims_claimant_kind'), type_='check')
        batch_op.drop_column('published_snapshot')
        batch_op.drop_column('claimant_kind')
