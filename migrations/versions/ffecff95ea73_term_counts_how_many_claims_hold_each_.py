"""Term counts: how many claims hold each word, for duplicate matching

Revision ID: ffecff95ea73
Revises: 9f60254a6761
Create Date: 2026-11-26 04:13:44.871712

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ffecff95ea73'
down_revision = '9f60254a6761'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('term_counts',
    sa.Column('term', sa.String(length=40), nullable=False),
    sa.Column('claims', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('term', name=op.f('pk_term_counts'))
    )
    # Count the words of the claims already indexed, so matching weighs them from the start.
    op.execute("INSERT INTO term_counts (term, claims) SELECT term, count(*) FROM claim_terms GROUP BY term")


def downgrade():
    op.drop_table('term_counts')
