"""Article revisions: numbered versions of an article's text, and where each claim stood in each

Revision ID: 5d1c9a7e4b20
Revises: 4d0622e468d4
Create Date: 2026-11-29 17:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1c9a7e4b20'
down_revision = '4d0622e468d4'
branch_labels = None
depends_on = None

CONTEXT = 32  # as factcheck.anchoring.CONTEXT on this day


def upgrade():
    op.create_table('article_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('source', sa.Enum('paste', 'upload', 'link', name='revision_source', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source_detail', sa.String(length=2000), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_revisions_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_article_revisions_created_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_revisions')),
    sa.UniqueConstraint('article_id', 'number', name=op.f('uq_article_revisions_article_id_number'))
    )
    op.create_table('claim_anchors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('method', sa.String(length=120), nullable=False),
    sa.Column('similarity', sa.Double(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_anchors_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revision_id'], ['article_revisions.id'], name=op.f('fk_claim_anchors_revision_id_article_revisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_anchors')),
    sa.UniqueConstraint('claim_id', 'revision_id', name=op.f('uq_claim_anchors_claim_id_revision_id'))
    )
    with op.batch_alter_table('claim_anchors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_anchors_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_anchors_revision_id'), ['revision_id'], unique=False)
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prefix', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('suffix', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('anchor_outcome', sa.Enum('unchanged', 'changed', 'gone', name='anchor_outcome', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('text_changed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.alter_column('start', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('end', existing_type=sa.Integer(), nullable=True)

    # Every article so far is its own revision 1, and every claim was made on it.
    conn = op.get_bind()
    op.execute(
        "INSERT INTO article_revisions (article_id, number, body, source, created_by_id, created_at) "
        "SELECT id, 1, body, 'paste', created_by_id, created_at FROM articles"
    )
    op.execute(
        "INSERT INTO claim_anchors (claim_id, revision_id, start, \"end\", quote, outcome, method) "
        "SELECT c.id, r.id, c.start, c.\"end\", c.quote, 'created', 'created on this revision' "
        "FROM claims c JOIN article_revisions r ON r.article_id = c.article_id AND r.number = 1"
    )
    claims = sa.table('claims', sa.column('id', sa.Integer), sa.column('prefix', sa.String), sa.column('suffix', sa.String))
    rows = conn.execute(sa.text(
        "SELECT c.id, c.start, c.\"end\", a.body FROM claims c JOIN articles a ON a.id = c.article_id"
    )).all()
    for claim_id, start, end, body in rows:
        conn.execute(claims.update().where(claims.c.id == claim_id).values(
            prefix=body[max(0, start - CONTEXT):start], suffix=body[end:end + CONTEXT]
        ))


def downgrade():
    # Claims whose words are gone have no place in the text the older schema can hold.
    op.execute("DELETE FROM claims WHERE start IS NULL")
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.alter_column('end', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('start', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(op.f('ck_claims_anchor_outcome'), type_='check')
        batch_op.drop_column('text_changed')
        batch_op.drop_column('anchor_outcome')
        batch_op.drop_column('suffix')
        batch_op.drop_column('prefix')
    with op.batch_alter_table('claim_anchors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_anchors_revision_id'))
        batch_op.drop_index(batch_op.f('ix_claim_anchors_claim_id'))
    op.drop_table('claim_anchors')
    op.drop_table('article_revisions')
