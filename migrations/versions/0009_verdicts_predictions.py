"""verdicts, predictions that come due, their sources and history, the rating scale

Revision ID: 0009
Revises: 0007, 0008
Create Date: 2026-11-30 14:17:08

New tables only. A merge point: it follows both main's newest revision (0008) and the claim
memory's (0007, not on main yet), so the branch has one head. The rating scale table starts empty: the first verdict writes the default
scale (annotator.vocabulary.DEFAULT_RATINGS) unless an admin wrote their own before.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = ('0007', '0008')
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('verdict_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('counts_false', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verdict_ratings')),
    sa.UniqueConstraint('name', name=op.f('uq_verdict_ratings_name')),
    sa.UniqueConstraint('position', name=op.f('uq_verdict_ratings_position'))
    )
    op.create_table('predictions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('queue_id', sa.Integer(), nullable=True),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('resolves_by', sa.Date(), nullable=False),
    sa.Column('date_basis', sa.String(length=200), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=False),
    sa.Column('scheduled_by_id', sa.Integer(), nullable=False),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('came_true', 'partly', 'did_not', 'unresolvable')", name=op.f('ck_predictions_outcome')),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_predictions_article_id_articles')),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlets.id'], name=op.f('fk_predictions_outlet_id_outlets')),
    sa.ForeignKeyConstraint(['queue_id'], ['queues.id'], name=op.f('fk_predictions_queue_id_queues')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_predictions_resolved_by_id_users')),
    sa.ForeignKeyConstraint(['scheduled_by_id'], ['users.id'], name=op.f('fk_predictions_scheduled_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_predictions_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_predictions')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_predictions_unit_id'))
    )
    with op.batch_alter_table('predictions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_predictions_article_id'), ['article_id'], unique=False)
        batch_op.create_index('ix_predictions_due', ['outcome', 'resolves_by'], unique=False)
        batch_op.create_index('ix_predictions_outlet', ['outlet_id', 'outcome'], unique=False)

    op.create_table('verdicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('queue_id', sa.Integer(), nullable=True),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'published')", name=op.f('ck_verdicts_status')),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_verdicts_article_id_articles')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_verdicts_author_id_users')),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_verdicts_editor_id_users')),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlets.id'], name=op.f('fk_verdicts_outlet_id_outlets')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_verdicts_published_by_id_users')),
    sa.ForeignKeyConstraint(['queue_id'], ['queues.id'], name=op.f('fk_verdicts_queue_id_queues')),
    sa.ForeignKeyConstraint(['rating_id'], ['verdict_ratings.id'], name=op.f('fk_verdicts_rating_id_verdict_ratings')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_verdicts_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verdicts')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_verdicts_unit_id'))
    )
    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verdicts_article_id'), ['article_id'], unique=False)
        batch_op.create_index('ix_verdicts_outlet_status', ['outlet_id', 'status', 'rating_id'], unique=False)

    op.create_table('check_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('verdict_id', sa.Integer(), nullable=True),
    sa.Column('prediction_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("action IN ('created', 'edited', 'published', 'scheduled', 'resolved')", name=op.f('ck_check_history_action')),
    sa.CheckConstraint('(verdict_id IS NULL) <> (prediction_id IS NULL)', name=op.f('ck_check_history_one_owner')),
    sa.ForeignKeyConstraint(['prediction_id'], ['predictions.id'], name=op.f('fk_check_history_prediction_id_predictions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_check_history_user_id_users')),
    sa.ForeignKeyConstraint(['verdict_id'], ['verdicts.id'], name=op.f('fk_check_history_verdict_id_verdicts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_history'))
    )
    with op.batch_alter_table('check_history', schema=None) as batch_op:
        batch_op.create_index('ix_check_history_prediction', ['prediction_id'], unique=False)
        batch_op.create_index('ix_check_history_verdict', ['verdict_id'], unique=False)

    op.create_table('check_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('verdict_id', sa.Integer(), nullable=True),
    sa.Column('prediction_id', sa.Integer(), nullable=True),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('stance', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('source_link_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("stance IN ('supports', 'contradicts', 'context')", name=op.f('ck_check_sources_stance')),
    sa.CheckConstraint("url LIKE 'http://%' OR url LIKE 'https://%'", name=op.f('ck_check_sources_http_url')),
    sa.CheckConstraint('(verdict_id IS NULL) <> (prediction_id IS NULL)', name=op.f('ck_check_sources_one_owner')),
    sa.ForeignKeyConstraint(['prediction_id'], ['predictions.id'], name=op.f('fk_check_sources_prediction_id_predictions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_link_id'], ['source_links.id'], name=op.f('fk_check_sources_source_link_id_source_links'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['verdict_id'], ['verdicts.id'], name=op.f('fk_check_sources_verdict_id_verdicts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_sources'))
    )
    with op.batch_alter_table('check_sources', schema=None) as batch_op:
        batch_op.create_index('ix_check_sources_prediction', ['prediction_id'], unique=False)
        batch_op.create_index('ix_check_sources_verdict', ['verdict_id'], unique=False)



def downgrade():
    with op.batch_alter_table('check_sources', schema=None) as batch_op:
        batch_op.drop_index('ix_check_sources_verdict')
        batch_op.drop_index('ix_check_sources_prediction')

    op.drop_table('check_sources')
    with op.batch_alter_table('check_history', schema=None) as batch_op:
        batch_op.drop_index('ix_check_history_verdict')
        batch_op.drop_index('ix_check_history_prediction')

    op.drop_table('check_history')
    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.drop_index('ix_verdicts_outlet_status')
        batch_op.drop_index(batch_op.f('ix_verdicts_article_id'))

    op.drop_table('verdicts')
    with op.batch_alter_table('predictions', schema=None) as batch_op:
        batch_op.drop_index('ix_predictions_outlet')
        batch_op.drop_index('ix_predictions_due')
        batch_op.drop_index(batch_op.f('ix_predictions_article_id'))

    op.drop_table('predictions')
    op.drop_table('verdict_ratings')
