"""The learner outlines' change count: each process keeps the published outlines it
built until it moves.

Revision ID: i15_0003
Revises: i15_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "i15_0003"
down_revision = "i15_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "course_outline_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_outline_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("course_outline_version")
