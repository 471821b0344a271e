"""The departments' change count (each process keeps its department tree until it moves),
and an index answering "has this learner an assigned enrollment by then" alone.

Revision ID: i15_0002
Revises: merge_0005
"""

import sqlalchemy as sa
from alembic import op

revision = "i15_0002"
down_revision = "merge_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "department_tree_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_tree_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])
    op.create_index("ix_enrollments_user_source_enrolled", "enrollments",
                    ["user_id", "source", "enrolled_at"])


def downgrade() -> None:
    op.drop_index("ix_enrollments_user_source_enrolled", table_name="enrollments")
    op.drop_table("department_tree_version")
