"""Join the stored-progress branch (i15) to the main line.

Revision ID: merge_0003
Revises: merge_0002, i15_0001
"""

revision = "merge_0003"
down_revision = ("merge_0002", "i15_0001")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
