"""claim backlog: imported articles whose units are still to be matched

The import writes one row per new article in its own transaction; claim matching takes the
rows after the import has committed (in the importing process, or `flask claims index`), so
the import no longer waits for the matcher and an article is never left unmatched unnoticed.

Revision ID: 0011
Revises: 0010a
Create Date: 2026-11-30 20:30:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('claim_backlog',
    sa.Column('article_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE',
                            name=op.f('fk_claim_backlog_article_id_articles')),
    sa.PrimaryKeyConstraint('article_id', name=op.f('pk_claim_backlog'))
    )


def downgrade():
    op.drop_table('claim_backlog')
