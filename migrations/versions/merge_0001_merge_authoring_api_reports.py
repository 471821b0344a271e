"""Join the authoring, API and reports branches into one head.

Revision ID: merge_0001
Revises: api_0001, authoring_0001, reports_0001
Create Date: 2026-11-23 11:51:06.051808

"""

revision = "merge_0001"
down_revision = ("api_0001", "authoring_0001", "reports_0001")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
