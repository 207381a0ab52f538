"""Claim indexes led by status, for the dashboard and lists

Revision ID: 9f60254a6761
Revises: 98131a5c13c6
Create Date: 2026-11-26 03:25:14.602203

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9f60254a6761'
down_revision = '98131a5c13c6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_status'))
        batch_op.create_index('ix_claims_status_article_id', ['status', 'article_id'], unique=False)
        batch_op.create_index('ix_claims_status_assignee_id_due_at', ['status', 'assignee_id', 'due_at'], unique=False)
        batch_op.create_index('ix_claims_status_id', ['status', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_status_id')
        batch_op.drop_index('ix_claims_status_assignee_id_due_at')
        batch_op.drop_index('ix_claims_status_article_id')
        batch_op.create_index(batch_op.f('ix_claims_status'), ['status'], unique=False)
