"""api tokens and the xAPI statement outbox

Revision ID: api_0001
Revises: 0ba635a02c26
Create Date: 2026-11-23 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'api_0001'
down_revision = '0ba635a02c26'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.String(length=255), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_tokens_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_table('xapi_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('verb', sa.String(length=200), nullable=False),
    sa.Column('object_id', sa.String(length=500), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('forwarded_at', sa.DateTime(), nullable=True),
    sa.Column('claim', sa.String(length=36), nullable=True),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('send_started_at', sa.DateTime(), nullable=True),
    sa.Column('rejected_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_xapi_statements_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_statements')),
    sa.UniqueConstraint('statement_id', name=op.f('uq_xapi_statements_statement_id'))
    )
    with op.batch_alter_table('xapi_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_statements_claim'), ['claim'], unique=False)
        batch_op.create_index(batch_op.f('ix_xapi_statements_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_xapi_statements_forwarded_at'), ['forwarded_at'], unique=False)
        batch_op.create_index('ix_xapi_statements_user_object', ['user_id', 'object_id'], unique=False)


def downgrade():
    with op.batch_alter_table('xapi_statements', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_statements_user_object')
        batch_op.drop_index(batch_op.f('ix_xapi_statements_forwarded_at'))
        batch_op.drop_index(batch_op.f('ix_xapi_statements_created_at'))
        batch_op.drop_index(batch_op.f('ix_xapi_statements_claim'))

    op.drop_table('xapi_statements')
    op.drop_table('api_tokens')
