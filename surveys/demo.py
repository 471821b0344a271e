"""The demo company's surveys: pledges, HR's supplier map, a closed cycle with results
and an open one in progress (lin@example.com and the sales head have it still to do)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from accounts.models import Department, User
from extensions import db
from surveys import answers, service
from surveys.models import Cycle

# department code -> [(service, standard, customer codes)]
PLEDGES: dict[str, list[tuple[str, str, list[str]]]] = {
    "finance": [("审核报销单据", "收到完整单据后三个工作日内审核完毕", []),
                ("答复预算咨询", "一个工作日内给出明确答复", ["sales-east", "marketing"])],
    "hr": [("办理入职手续", "新人报到当天完成账号、工牌和座位", []),
           ("解答薪酬与假期问题", "两个工作日内书面答复", [])],
    "purchasing": [("采购常用物料", "申请批准后五个工作日内到货", ["equipment", "finance"])],
    "equipment": [("设备故障报修", "接到报修后四小时内到场", ["purchasing"])],
    "marketing": [("提供销售物料", "提出需求后三个工作日内交付", ["sales-east"])],
    "sales-east": [("反馈客户意见", "每周五前汇总给市场部", ["marketing"])],
}
MAP = {  # supplier -> customers
    "finance": ["sales-east", "marketing", "purchasing", "equipment", "hr"],
    "hr": ["sales-east", "marketing", "finance", "purchasing", "equipment"],
    "purchasing": ["equipment", "finance"],
    "equipment": ["purchasing"],
    "marketing": ["sales-east"],
    "sales-east": ["marketing"],
}
TAKING_PART = tuple(MAP)
COMMENTS = ["希望审核结果能主动通知我们，不用反复询问。", "流程说明再清楚一些就更好了。",
            "回复很及时，感谢！", "遇到特殊情况时能多商量一下。", "希望能提前告知变化。"]
STILL_TO_DO = {"lin@example.com", "head@example.com"}


@dataclass
class SurveySeedReport:
    pledges: int = 0
    cycles: int = 0
    answered: int = 0


def seed_surveys(today: date) -> SurveySeedReport:
    """Create what is missing; running it again adds nothing."""
    report = SurveySeedReport()
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    if any(code not in departments for code in TAKING_PART):
        return report
    hr = db.session.scalar(select(User).where(User.email == "hr@example.com"))
    if hr is None:
        return report
    for code, pledges in PLEDGES.items():
        if not service.pledges_of(departments[code].id):
            for text, standard, customers in pledges:
                service.save_pledge(hr, departments[code].id, text, standard,
                                    [departments[c].id for c in customers])
                report.pledges += 1
    if not service.supplier_links():
        service.set_supplier_links((departments[s].id, departments[c].id)
                                   for s, customers in MAP.items() for c in customers)
    if db.session.scalar(select(Cycle.id).limit(1)) is not None:
        return report
    ids = tuple(departments[c].id for c in TAKING_PART)
    rng = random.Random(2026)
    closed = service.create_cycle(service.CycleInput(
        "2026 上半年内部服务满意度调查", today - timedelta(days=60),
        today - timedelta(days=46), ids))
    service.open_cycle(closed)
    report.answered += _answer_all(closed, today - timedelta(days=50), rng, 0.9, bias=-0.4)
    service.close_cycle(closed)
    current = service.create_cycle(service.CycleInput(
        "2026 下半年内部服务满意度调查", today - timedelta(days=3),
        today + timedelta(days=11), ids))
    service.open_cycle(current)
    report.answered += _answer_all(current, today, rng, 0.75, bias=0.0)
    report.cycles = 2
    return report


def _answer_all(cycle: Cycle, day: date, rng: random.Random, share: float,
                bias: float) -> int:
    """Most active members answer about the suppliers the map suggests to them."""
    people = db.session.scalars(select(User).where(
        User.active.is_(True), User.department_id.in_([d.department_id
                                                       for d in cycle.departments]))
        .order_by(User.id)).all()
    answered = 0
    for person in people:
        if person.email in STILL_TO_DO or rng.random() > share:
            continue
        suppliers = sorted(service.suggested_suppliers(person.department_id))
        if not suppliers:
            continue
        key = answers.start(cycle, person, suppliers, day)
        answer_set = answers.answer_set(cycle, key)
        assert answer_set is not None
        for supplier in suppliers:
            mood = rng.gauss(3.8 + bias, 0.8)

            def pick(low: int, high: int, spread: float = 0.7) -> int:
                return max(low, min(high, round(rng.gauss(mood, spread))))  # noqa: B023

            scores: dict[int, int | None] = {
                s.id: pick(1, 5) for s in service.statements_for(cycle, supplier)}
            comment = rng.choice(COMMENTS) if rng.random() < 0.4 else ""
            answers.save(cycle, answer_set, supplier, answers.SupplierAnswers(
                scores, pick(1, 5), pick(1, 5), max(0, min(10, round(2 * mood + rng.gauss(1,
                                                                                       1.5)))),
                comment), day)
        answered += 1
    return answered
