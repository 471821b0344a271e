"""Survey rules: pledges and their history, HR's supplier map, the cycle lifecycle.

No request objects here; each use case commits once. Who may edit or read a
department is the access policy (accounts.policy.scope_for over the one
department tree), never a copy of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

import clock
from accounts import policy
from accounts.models import Department, User
from accounts.tree import Tree, department_tree
from extensions import db
from surveys.models import (
    FACTORS,
    PLEDGE_FACTOR,
    Cycle,
    CycleDepartment,
    Pledge,
    PledgeRevision,
    Statement,
    SupplierLink,
)

TEXT_MAX = 300

# The default template: one or two statements per service-quality factor the course
# teaches, (zh-CN, en). HR edits a cycle's copy before opening it.
DEFAULT_STATEMENTS: dict[str, list[tuple[str, str]]] = {
    "promises": [("他们说到做到，承诺的事情按时兑现。",
                  "They do what they say they will, when they said they would.")],
    "knowledge": [("他们熟悉自己的业务，能给出准确的答复。",
                   "They know their business and give accurate answers.")],
    "timeliness": [("他们及时回应我们的需求，不让我们反复催促。",
                    "They respond in time; we do not have to chase them.")],
    "respect": [("他们沟通时尊重我们，把我们当作客户。",
                 "They communicate with respect and treat us as their customer.")],
    "adaptability": [("遇到特殊情况时，他们愿意灵活调整。",
                      "When a case is unusual, they are willing to adapt.")],
}
PLEDGE_TEXT = ("兑现了承诺：{service}（{standard}）", "Kept its pledge: {service} ({standard})")


class SurveyError(ValueError):
    """A request the rules refuse; `field` names the input at fault, the message is safe."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# --- pledges ---------------------------------------------------------------------------


def can_edit_pledges(user: User, department_id: int, tree: Tree | None = None) -> bool:
    """HR and admins everywhere; a head in the subtree they lead (the reports policy)."""
    tree = tree or department_tree()
    scope = policy.scope_for(user, tree)
    return scope is not None and department_id in tree.nodes and scope.can_see(department_id)


def pledges_of(department_id: int) -> list[Pledge]:
    return list(db.session.scalars(select(Pledge).where(
        Pledge.department_id == department_id, Pledge.active.is_(True)).order_by(Pledge.id)))


def pledge_history(department_id: int) -> list[PledgeRevision]:
    return list(db.session.scalars(
        select(PledgeRevision).join(Pledge, Pledge.id == PledgeRevision.pledge_id)
        .where(Pledge.department_id == department_id)
        .order_by(PledgeRevision.changed_at.desc(), PledgeRevision.id.desc())))


def _clean(value: str | None, field: str, label: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise SurveyError(field, _("%(label)s is required", label=label))
    if len(text) > TEXT_MAX:
        raise SurveyError(field, _("%(label)s has at most %(n)s characters",
                                   label=label, n=TEXT_MAX))
    return text


def _customer_names(customer_ids: Iterable[int], tree: Tree) -> str:
    return ", ".join(tree.nodes[i].name for i in customer_ids if i in tree.nodes)


def save_pledge(user: User, department_id: int, service: str, standard: str,
                customer_ids: Iterable[int] = (), pledge_id: int | None = None) -> Pledge:
    """Add a pledge (pledge_id None) or change one; records a revision; commits."""
    tree = department_tree()
    if not can_edit_pledges(user, department_id, tree):
        raise PermissionError("not the head of this department, nor HR")
    service = _clean(service, "service", _("The service"))
    standard = _clean(standard, "standard", _("The promised time or standard"))
    customers = sorted(set(customer_ids))
    unknown = [i for i in customers if i not in tree.nodes or i == department_id]
    if unknown:
        raise SurveyError("customers", _("a customer must be another existing department"))
    pledge: Pledge | None
    if pledge_id is None:
        pledge, action = Pledge(department_id=department_id), "created"
        db.session.add(pledge)
    else:
        pledge = db.session.get(Pledge, pledge_id)
        if pledge is None or pledge.department_id != department_id or not pledge.active:
            raise SurveyError("pledge", _("no such pledge in this department"))
        action = "changed"
    pledge.service, pledge.standard, pledge.customer_ids = service, standard, customers
    _stamp(pledge, user, action, tree)
    db.session.commit()
    return pledge


def remove_pledge(user: User, department_id: int, pledge_id: int) -> None:
    tree = department_tree()
    if not can_edit_pledges(user, department_id, tree):
        raise PermissionError("not the head of this department, nor HR")
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None or pledge.department_id != department_id or not pledge.active:
        raise SurveyError("pledge", _("no such pledge in this department"))
    pledge.active = False
    _stamp(pledge, user, "removed", tree)
    db.session.commit()


def _stamp(pledge: Pledge, user: User, action: str, tree: Tree) -> None:
    now = clock.utcnow()
    pledge.updated_at, pledge.updated_by_id = now, user.id
    db.session.flush()
    db.session.add(PledgeRevision(
        pledge_id=pledge.id, action=action, service=pledge.service, standard=pledge.standard,
        customers=_customer_names(pledge.customer_ids, tree), changed_at=now,
        changed_by_id=user.id, changed_by_name=user.name))


# --- HR's supplier -> customer map ----------------------------------------------------


def supplier_links() -> set[tuple[int, int]]:
    return set(db.session.execute(select(SupplierLink.supplier_id, SupplierLink.customer_id)))


def set_supplier_links(pairs: Iterable[tuple[int, int]]) -> None:
    """Replace the whole map (all or nothing); a department never supplies itself."""
    known = set(db.session.scalars(select(Department.id)))
    wanted = set(pairs)
    for supplier, customer in wanted:
        if supplier == customer:
            raise SurveyError("links", _("a department cannot be its own supplier"))
        if supplier not in known or customer not in known:
            raise SurveyError("links", _("unknown department in the map"))
    db.session.execute(delete(SupplierLink))
    db.session.add_all(SupplierLink(supplier_id=s, customer_id=c) for s, c in sorted(wanted))
    db.session.commit()


def suggested_suppliers(customer_id: int | None) -> set[int]:
    if customer_id is None:
        return set()
    return set(db.session.scalars(select(SupplierLink.supplier_id)
                                  .where(SupplierLink.customer_id == customer_id)))


# --- cycles ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CycleInput:
    title: str
    opens_on: date | None
    closes_on: date | None
    department_ids: tuple[int, ...]


def create_cycle(data: CycleInput) -> Cycle:
    """A draft cycle with a copy of the default template; commits."""
    title = _clean(data.title, "title", _("The title"))
    if data.opens_on is None:
        raise SurveyError("opens_on", _("The first day is required"))
    if data.closes_on is None:
        raise SurveyError("closes_on", _("The last day is required"))
    if data.closes_on < data.opens_on:
        raise SurveyError("closes_on", _("The last day comes before the first day"))
    tree = department_tree()
    chosen = sorted(set(data.department_ids))
    if any(i not in tree.nodes for i in chosen):
        raise SurveyError("departments", _("unknown department"))
    if len(chosen) < 2:
        raise SurveyError("departments",
                          "Pick at least two departments: nobody rates their own department")
    cycle = Cycle(title=title, opens_on=data.opens_on, closes_on=data.closes_on, state="draft")
    for department_id in chosen:
        node = tree.nodes[department_id]
        cycle.departments.append(CycleDepartment(department_id=department_id,
                                                 name=node.name, code=node.code))
    for factor in FACTORS:
        for position, (zh, en) in enumerate(DEFAULT_STATEMENTS[factor]):
            cycle.statements.append(Statement(factor=factor, position=position,
                                              text_zh=zh, text_en=en))
    db.session.add(cycle)
    db.session.commit()
    return cycle


def _draft(cycle: Cycle) -> None:
    if cycle.state != "draft":
        raise SurveyError("state", _("Statements can only change before the cycle opens"))


def save_statement(cycle: Cycle, factor: str, text_zh: str, text_en: str,
                   statement_id: int | None = None) -> None:
    _draft(cycle)
    if factor not in FACTORS:
        raise SurveyError("factor", _("unknown service-quality factor"))
    zh = _clean(text_zh, "text_zh", _("The Chinese statement"))
    en = _clean(text_en, "text_en", _("The English statement"))
    if statement_id is None:
        position = 1 + max((s.position for s in cycle.statements if s.factor == factor),
                           default=-1)
        cycle.statements.append(Statement(factor=factor, position=position,
                                          text_zh=zh, text_en=en))
    else:
        statement = _statement(cycle, statement_id)
        statement.factor, statement.text_zh, statement.text_en = factor, zh, en
    db.session.commit()


def delete_statement(cycle: Cycle, statement_id: int) -> None:
    _draft(cycle)
    cycle.statements.remove(_statement(cycle, statement_id))
    db.session.commit()


def _statement(cycle: Cycle, statement_id: int) -> Statement:
    found = [s for s in cycle.statements if s.id == statement_id]
    if not found:
        raise SurveyError("statement", _("no such statement in this cycle"))
    return found[0]


def open_cycle(cycle: Cycle) -> None:
    """Snapshot names, member counts and each department's pledges, then open; commits."""
    _draft(cycle)
    if not [s for s in cycle.statements if s.factor in FACTORS]:
        raise SurveyError("statements", _("The template has no statements: add at least one"))
    if len(cycle.departments) < 2:
        raise SurveyError("departments", _("The cycle has fewer than two departments"))
    tree = department_tree()
    ids = [d.department_id for d in cycle.departments]
    counts = dict(db.session.execute(
        select(User.department_id, func.count()).where(User.department_id.in_(ids),
                                                       User.active.is_(True))
        .group_by(User.department_id)).all())
    for taking_part in cycle.departments:
        node = tree.nodes.get(taking_part.department_id)
        if node is not None:
            taking_part.name, taking_part.code = node.name, node.code
        taking_part.members = counts.get(taking_part.department_id, 0)
        for position, pledge in enumerate(pledges_of(taking_part.department_id)):
            values = {"service": pledge.service, "standard": pledge.standard}
            cycle.statements.append(Statement(
                factor=PLEDGE_FACTOR, position=position, department_id=pledge.department_id,
                text_zh=PLEDGE_TEXT[0].format(**values)[:500],
                text_en=PLEDGE_TEXT[1].format(**values)[:500]))
    cycle.state = "open"
    db.session.commit()


def close_cycle(cycle: Cycle) -> None:
    if cycle.state != "open":
        raise SurveyError("state", _("Only an open cycle can be closed"))
    cycle.state = "closed"
    db.session.commit()


def status(cycle: Cycle, day: date) -> str:
    """draft, scheduled, open or closed, as of a day (the window closes after closes_on)."""
    if cycle.state == "draft":
        return "draft"
    if cycle.state == "closed" or day > cycle.closes_on:
        return "closed"
    return "open" if day >= cycle.opens_on else "scheduled"


def cycles() -> list[Cycle]:
    return list(db.session.scalars(select(Cycle).order_by(Cycle.opens_on.desc(),
                                                          Cycle.id.desc())))


def taking_part(cycle: Cycle, department_id: int | None) -> CycleDepartment | None:
    return next((d for d in cycle.departments if d.department_id == department_id), None)


def statements_for(cycle: Cycle, supplier_id: int) -> list[Statement]:
    """The factor statements, then the supplier's own pledge statements."""
    return [s for s in cycle.statements
            if s.department_id is None or s.department_id == supplier_id]
