"""Claim vectors: each claim's wording as the encoder's sentence vector, for finding earlier claims

Revision ID: 5d1e7c3a9b20
Revises: 8c4f2a91d7e3
Create Date: 2026-11-29 23:30:00.000000

Existing claims get their vectors from `flask index-claims` (the migration does not run the model).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e7c3a9b20'
down_revision = '8c4f2a91d7e3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'claim_vectors',
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('model', sa.String(length=80), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('vector', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_vectors_claim_id_claims'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('claim_id', name=op.f('pk_claim_vectors')),
    )
    op.create_index('ix_claim_vectors_model_seq', 'claim_vectors', ['model', 'seq'], unique=False)


def downgrade():
    op.drop_index('ix_claim_vectors_model_seq', table_name='claim_vectors')
    op.drop_table('claim_vectors')
