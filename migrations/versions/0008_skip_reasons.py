"""skip reasons: outside my expertise, conflict of interest, paywalled or incomplete

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-30 14:20:00

Only the CHECK constraint on assignments.skip_reason changes: the new codes ('expertise',
'conflict', 'paywalled') fit the column's 16 characters. On SQLite the batch operation
rebuilds the table; downgrading refuses while a skip uses one of the new reasons.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None

OLD = ('not_news', 'duplicate', 'not_english', 'other')
NEW = ('not_news', 'duplicate', 'not_english', 'expertise', 'conflict', 'paywalled', 'other')


def _check(codes):
    return "skip_reason IS NULL OR skip_reason IN (" + ", ".join(f"'{c}'" for c in codes) + ")"


def _replace(codes):
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_assignments_skip_reason'), type_='check')
        batch_op.create_check_constraint(op.f('ck_assignments_skip_reason'), _check(codes))


def upgrade():
    _replace(NEW)


def downgrade():
    new_only = [c for c in NEW if c not in OLD]
    used = op.get_bind().execute(
        sa.text("SELECT count(*) FROM assignments WHERE skip_reason IN :codes")
        .bindparams(sa.bindparam("codes", expanding=True)), {"codes": new_only}).scalar()
    if used:
        raise RuntimeError(f"{used} skips give a reason that revision 0006 does not know "
                           f"({', '.join(new_only)}); change them first.")
    _replace(OLD)
