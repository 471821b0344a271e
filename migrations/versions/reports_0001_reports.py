"""reports: rollups, outbox, certificates

Revision ID: reports_0001
Revises: 0ba635a02c26
Create Date: 2026-11-23 10:00:00.000000

The rollups start empty: run `flask reports rebuild` once after upgrading a
database that already has enrollments.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'reports_0001'
down_revision = '0ba635a02c26'
branch_labels = None
depends_on = None

FIGURES = ('members', 'enrolled', 'in_progress', 'completed', 'overdue', 'score_sum', 'score_n')


def _figures():
    return [sa.Column(name, sa.Integer(), server_default='0', nullable=False)
            for name in FIGURES]


def upgrade():
    # course 0: a department's members; course -1: the sum of a department's rows
    op.create_table('report_rollups',
    sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('department_id', sa.Integer(), autoincrement=False, nullable=False),
    *_figures(),
    sa.PrimaryKeyConstraint('course_id', 'department_id', name=op.f('pk_report_rollups'))
    )
    # keyed (course, day, department); on SQLite stored in key order, so one course's
    # changes after a day are one contiguous range
    op.create_table('report_rollup_days',
    sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('department_id', sa.Integer(), autoincrement=False, nullable=False),
    *_figures(),
    sa.PrimaryKeyConstraint('course_id', 'day', 'department_id',
                            name=op.f('pk_report_rollup_days')),
    sqlite_with_rowid=False
    )

    op.create_table('report_concepts',
    sa.Column('department_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('tag', sa.String(length=100), nullable=False),
    sa.Column('responses', sa.Integer(), server_default='0', nullable=False),
    sa.Column('score_sum', sa.Integer(), server_default='0', nullable=False),
    sa.Column('learners', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('department_id', 'kind', 'tag', name=op.f('pk_report_concepts'))
    )
    op.create_table('report_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('to_email', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_report_outbox_recipient_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_outbox')),
    sa.UniqueConstraint('kind', 'recipient_id', 'day', name=op.f('uq_report_outbox_kind'))
    )
    with op.batch_alter_table('report_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_outbox_created_at'), ['created_at'], unique=False)

    op.create_table('report_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_report_certificates_enrollment_id_enrollments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_certificates')),
    sa.UniqueConstraint('code', name=op.f('uq_report_certificates_code')),
    sa.UniqueConstraint('enrollment_id', name=op.f('uq_report_certificates_enrollment_id'))
    )


def downgrade():
    op.drop_table('report_certificates')
    with op.batch_alter_table('report_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_outbox_created_at'))
    op.drop_table('report_outbox')
    op.drop_table('report_concepts')
    op.drop_table('report_rollup_days')
    op.drop_table('report_rollups')
