"""The article's author or byline

Revision ID: 8c4f2a91d7e3
Revises: b7d41e0a9c3f
Create Date: 2026-11-29 20:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c4f2a91d7e3'
down_revision = 'b7d41e0a9c3f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('author')
