"""agreement figures version and cache: one counter raised with every write that changes an
agreement figure, and pooled figures stored per report filter at one version

The overview's ETag and its cache read the counter with one primary-key lookup instead of
counting the stored statistics; cached figures live in the database (several app processes
share it) and a row stored under another version is never read.

Revision ID: 0010a
Revises: 0009
Create Date: 2026-11-30 18:00:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010a'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agreement_figures_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_figures_version'))
    )
    op.create_table('agreement_figures_cache',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_agreement_figures_cache'))
    )
    op.execute("INSERT INTO agreement_figures_version (id, version) VALUES (1, 1)")


def downgrade():
    op.drop_table('agreement_figures_cache')
    op.drop_table('agreement_figures_version')
