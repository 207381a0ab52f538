"""Running counts of claims by status, for the dashboard

Revision ID: 669d2fc661c1
Revises: 5d1c9a7e4b20
Create Date: 2026-11-29 16:14:16.214845

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '669d2fc661c1'
down_revision = '5d1c9a7e4b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('claim_status_counts',
    sa.Column('status', sa.Enum('unassigned', 'assigned', 'in_research', 'in_review', 'returned', 'approved', 'dropped', name='claim_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('status', name=op.f('pk_claim_status_counts'))
    )
    # Count the claims already there; from now on the workflow's moves keep the counts.
    op.execute("INSERT INTO claim_status_counts (status, count) SELECT status, count(*) FROM claims GROUP BY status")


def downgrade():
    op.drop_table('claim_status_counts')
