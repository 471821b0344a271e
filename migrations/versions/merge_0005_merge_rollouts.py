"""Join the policy-rollout branch (i22) to the main line.

Revision ID: merge_0005
Revises: merge_0004, i22_0001
"""

revision = "merge_0005"
down_revision = ("merge_0004", "i22_0001")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
