"""export jobs: raw-list exports written by a worker, not a web request

Revision ID: issue23_0001
Revises: merge_0001
Create Date: 2026-12-03 11:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'issue23_0001'
down_revision = 'merge_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_export_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('fmt', sa.String(length=8), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('rows_expected', sa.Integer(), nullable=True),
    sa.Column('rows_written', sa.Integer(), server_default='0', nullable=False),
    sa.Column('download_name', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=200), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('worker', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'],
                            name=op.f('fk_report_export_jobs_requester_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_export_jobs'))
    )
    with op.batch_alter_table('report_export_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_export_jobs_requester_id'),
                              ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_export_jobs_state'), ['state'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('report_export_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_export_jobs_state'))
        batch_op.drop_index(batch_op.f('ix_report_export_jobs_requester_id'))
    op.drop_table('report_export_jobs')
