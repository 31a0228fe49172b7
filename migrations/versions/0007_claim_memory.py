"""claim memory: LSH keys, verified pairs with leads' decisions, claim clusters, queue option

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 14:30:00

`flask claims index --rebuild` fills the keys, pairs and clusters for articles imported before
this revision; articles imported after it are matched on import.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('claim_keys',
    sa.Column('band_key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('band_key', 'unit_id', name=op.f('pk_claim_keys')),
    sqlite_with_rowid=False
    )
    op.create_table('claim_clusters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_clusters'))
    )
    op.create_table('claim_pairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_a_id', sa.Integer(), nullable=False),
    sa.Column('unit_b_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('differs', sa.String(length=200), nullable=False),
    sa.Column('found_at', sa.DateTime(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('same', 'related')", name=op.f('ck_claim_pairs_kind')),
    sa.CheckConstraint("decision IS NULL OR decision IN ('confirmed', 'rejected')",
                       name=op.f('ck_claim_pairs_decision')),
    sa.CheckConstraint('unit_a_id < unit_b_id', name=op.f('ck_claim_pairs_ordered')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                            name=op.f('fk_claim_pairs_decided_by_id_users')),
    sa.ForeignKeyConstraint(['unit_a_id'], ['units.id'], ondelete='CASCADE',
                            name=op.f('fk_claim_pairs_unit_a_id_units')),
    sa.ForeignKeyConstraint(['unit_b_id'], ['units.id'], ondelete='CASCADE',
                            name=op.f('fk_claim_pairs_unit_b_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_pairs')),
    sa.UniqueConstraint('unit_a_id', 'unit_b_id', name=op.f('uq_claim_pairs_unit_a_id_unit_b_id'))
    )
    op.create_index('ix_claim_pairs_unit_b', 'claim_pairs', ['unit_b_id'], unique=False)
    op.create_index('ix_claim_pairs_kind_decision', 'claim_pairs', ['kind', 'decision'],
                    unique=False)
    op.create_table('claim_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('previous', sa.String(length=16), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("decision IN ('confirmed', 'rejected')",
                       name=op.f('ck_claim_decisions_decision')),
    sa.CheckConstraint("previous IS NULL OR previous IN ('confirmed', 'rejected')",
                       name=op.f('ck_claim_decisions_previous')),
    sa.ForeignKeyConstraint(['pair_id'], ['claim_pairs.id'], ondelete='CASCADE',
                            name=op.f('fk_claim_decisions_pair_id_claim_pairs')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_claim_decisions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_decisions'))
    )
    op.create_index('ix_claim_decisions_pair', 'claim_decisions', ['pair_id'], unique=False)
    op.create_table('claim_members',
    sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['claim_clusters.id'], ondelete='CASCADE',
                            name=op.f('fk_claim_members_cluster_id_claim_clusters')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ondelete='CASCADE',
                            name=op.f('fk_claim_members_unit_id_units')),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_claim_members'))
    )
    op.create_index('ix_claim_members_cluster', 'claim_members', ['cluster_id'], unique=False)
    op.create_table('claim_queue_options',
    sa.Column('queue_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('show_sources', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['queue_id'], ['queues.id'], ondelete='CASCADE',
                            name=op.f('fk_claim_queue_options_queue_id_queues')),
    sa.PrimaryKeyConstraint('queue_id', name=op.f('pk_claim_queue_options'))
    )


def downgrade():
    op.drop_table('claim_queue_options')
    op.drop_index('ix_claim_members_cluster', table_name='claim_members')
    op.drop_table('claim_members')
    op.drop_index('ix_claim_decisions_pair', table_name='claim_decisions')
    op.drop_table('claim_decisions')
    op.drop_index('ix_claim_pairs_kind_decision', table_name='claim_pairs')
    op.drop_index('ix_claim_pairs_unit_b', table_name='claim_pairs')
    op.drop_table('claim_pairs')
    op.drop_table('claim_clusters')
    op.drop_table('claim_keys')
