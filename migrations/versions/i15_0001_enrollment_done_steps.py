"""enrollments.done_steps: the outline's stored progress

Revision ID: i15_0001
Revises: merge_0001
Create Date: 2026-12-03 11:00:00.000000

done_steps is filled here from the progress rows (lessons read, quizzes passed), so
an upgraded database shows the same outline as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i15_0001'
down_revision = 'merge_0001'
branch_labels = None
depends_on = None

# Each enrollment's done steps: "l<lesson id>" for lessons read, "q<quiz id>" for quizzes
# passed, of the steps in its course's outline.
DONE_STEPS = """
UPDATE enrollments SET done_steps = COALESCE((
    SELECT {aggregate} FROM (
        SELECT 'l' || lp.lesson_id AS step FROM lesson_progress lp
        JOIN outline_items oi ON oi.lesson_id = lp.lesson_id
        WHERE lp.user_id = enrollments.user_id AND oi.course_id = enrollments.course_id
        UNION
        SELECT 'q' || qg.quiz_id AS step FROM quiz_grades qg
        JOIN outline_items oi ON oi.quiz_id = qg.quiz_id
        WHERE qg.user_id = enrollments.user_id AND oi.course_id = enrollments.course_id
          AND qg.passed
    ) AS steps), '')
"""


def upgrade():
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done_steps', sa.Text(), server_default='',
                                      nullable=False))
    postgres = op.get_bind().dialect.name == 'postgresql'
    op.execute(DONE_STEPS.format(
        aggregate="string_agg(step, ' ' ORDER BY step)" if postgres
        else "group_concat(step, ' ')"))


def downgrade():
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_column('done_steps')
