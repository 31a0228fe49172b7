"""settled counts per article, reviewer gold counts in the coder records

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 19:30:00

agreement_article_stats is a cache of the submitted labels: the coder records gain two fields
(layout 2), so rows written before cannot be read. The upgrade drops them; run
`flask agreement recompute` afterwards to rebuild every article's statistics.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

COLUMNS = ('unanimous', 'majority', 'unresolved')


def upgrade():
    op.execute('DELETE FROM agreement_article_stats')
    with op.batch_alter_table('agreement_article_stats', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default='0',
                                          nullable=False))


def downgrade():
    op.execute('DELETE FROM agreement_article_stats')
    with op.batch_alter_table('agreement_article_stats', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
