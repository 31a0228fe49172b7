"""queue order indexes: queue_articles.sort_date and one index per hand-out order

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 18:12:23.761044

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('queue_articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_date', sa.DateTime(), nullable=True))
    # The article's publication time, else its import time.
    op.execute(
        "UPDATE queue_articles SET sort_date = (SELECT COALESCE(articles.published_at, "
        "articles.created_at) FROM articles WHERE articles.id = queue_articles.article_id)"
    )
    with op.batch_alter_table('queue_articles', schema=None) as batch_op:
        batch_op.alter_column('sort_date', existing_type=sa.DateTime(), nullable=False)
        batch_op.create_index('ix_queue_articles_order_date', ['queue_id', 'sort_date', 'article_id', 'taken'], unique=False)
        batch_op.create_index('ix_queue_articles_order_fewest', ['queue_id', 'submitted', 'taken', 'id'], unique=False)
        batch_op.create_index('ix_queue_articles_order_random', ['queue_id', 'sort_key', 'id', 'taken'], unique=False)


def downgrade():
    with op.batch_alter_table('queue_articles', schema=None) as batch_op:
        batch_op.drop_index('ix_queue_articles_order_random')
        batch_op.drop_index('ix_queue_articles_order_fewest')
        batch_op.drop_index('ix_queue_articles_order_date')
        batch_op.drop_column('sort_date')
