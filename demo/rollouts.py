"""Demo rollout data: a past knowledge contest, answered lesson questions (two of them
in the FAQ) and a briefing to sales with some read receipts. Runs once."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

import clock
from accounts import service as accounts
from accounts.models import Department, User
from accounts.tree import department_tree
from courses.models import Course, OutlineItem
from extensions import db
from quizzes.types import get_type
from rollouts import briefings, contests
from rollouts import service as questions
from rollouts.models import Contest

# (asker email, lesson position, question, answer, published as FAQ)
QUESTIONS = [
    ("lin@example.com", 0, "下游同事没有明确说需求时，我应该怎么确认“内部客户”要什么？",
     "先问清楚对方**拿到你的产出后要做什么**，再约定交付的格式和时间。一句话确认胜过事后返工。",
     True),
    ("zhou@example.com", 0, "财务部的内部客户是谁？是不是所有部门？",
     "凡是使用你工作成果的同事都是你的内部客户，例如拿报表做决策的销售经理。", True),
    ("chen@example.com", 1, "交接时如果对方不在工位，可以只发邮件吗？",
     "可以先发邮件留痕，但要在当天确认对方已收到并理解，接力棒交到手上才算完成。", False),
]


def seed_rollouts(seed: int = 2026) -> bool:
    """Add the demo contest, questions and briefing; False when they exist already."""
    if db.session.scalar(select(Contest.id).limit(1)) is not None:
        return False
    rng = random.Random(seed)
    trainer = accounts.get_user_by_email("trainer@example.com")
    course = db.session.scalar(select(Course).where(Course.status == "published")
                               .order_by(Course.id))
    if trainer is None or course is None:
        return False
    now = clock.utcnow()
    lessons = [i for i in course.items if i.kind == "lesson"]
    for email, position, text, reply, publish in QUESTIONS:
        asker = accounts.get_user_by_email(email)
        assert asker is not None, "seed_demo adds every asker"
        item = lessons[min(position, len(lessons) - 1)]
        asked = now - timedelta(days=6 - position, hours=rng.randint(1, 8))
        question = questions.ask(asker, item, text, now=asked)
        questions.answer(question, trainer, reply, publish,
                         now=asked + timedelta(hours=rng.randint(2, 30)))
    sales = db.session.scalar(select(Department).where(Department.code == "sales"))
    assert sales is not None, "seed_demo adds it"
    briefing = briefings.create(trainer, "新版折扣政策：先确认内部客户的需求",
                                "从下周一起，所有超过 10% 的折扣需先与财务部确认。\n\n"
                                "- 提前一天发送申请\n- 在系统中记录确认人", [sales.id],
                                course.id)
    for person in briefings.recipients(briefing, department_tree())[::2]:
        briefings.confirm(person, briefing)
    _past_contest(trainer, rng, now)
    return True


def _past_contest(trainer: User, rng: random.Random, now) -> None:
    quiz_item = db.session.scalar(select(OutlineItem).where(OutlineItem.quiz_id.is_not(None))
                                  .order_by(OutlineItem.id))
    root = db.session.scalar(select(Department).where(Department.code == "acme"))
    # the demo content has a quiz step, and seed_demo adds the root department
    assert quiz_item is not None and quiz_item.quiz_id is not None
    assert quiz_item.quiz is not None and root is not None
    start = (now - timedelta(days=3)).replace(second=0)
    contest = contests.schedule(trainer, "接力知识竞赛（第一期）", quiz_item.quiz_id, start, 10,
                                min(5, len(quiz_item.quiz.questions)), [root.id],
                                now=start - timedelta(days=1))
    people = db.session.scalars(select(User).where(User.department_id.is_not(None),
                                                   User.roles == "learner")).all()
    for person in people:
        if rng.random() < 0.3:
            continue
        entry = contests.join(person, contest, show_name=rng.random() < 0.5,
                              now=start + timedelta(seconds=rng.randint(0, 20)))
        ability = rng.uniform(0.4, 0.95)
        raw = {}
        for view in contests.slot_views(entry):
            kind = get_type(view.revision.type_id)
            answer = (kind.right_answer(view.revision.data) if rng.random() < ability
                      else kind.wrong_answer(view.revision.data, rng))
            if answer is None:
                continue
            prefix = f"q{view.slot}"
            raw[view.slot] = {key[len(prefix) + 1:]: value for key, value in
                              contests.form_values(entry, view.slot, answer).items()}
        finished = start + timedelta(seconds=rng.randint(60, 540))
        contests.save(entry, raw, now=finished)
        contests.finish(entry, now=finished)
