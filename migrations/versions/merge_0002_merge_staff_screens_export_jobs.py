"""Join the staff-screens (i20) and export-jobs (issue23) branches into one head.

Revision ID: merge_0002
Revises: i20_0001, issue23_0001
"""

revision = "merge_0002"
down_revision = ("i20_0001", "issue23_0001")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
