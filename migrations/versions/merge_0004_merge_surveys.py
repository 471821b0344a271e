"""Join the surveys branch (i21) to the main line.

Revision ID: merge_0004
Revises: merge_0003, i21_0001
"""

revision = "merge_0004"
down_revision = ("merge_0003", "i21_0001")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
