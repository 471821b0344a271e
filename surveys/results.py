"""Survey results: aggregates only, each shown only for a group of at least the privacy
threshold (PRIVACY_MIN_GROUP, 5, the same as HR reports) and masked for everyone,
admins included: here the group is the only protection a respondent has.

Everything is a GROUP BY over the cycle's ratings and scores, which are keyed
(cycle, supplier, ...), so a scorecard reads one supplier's range.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from accounts.preferences import local_today
from extensions import db
from reports.service import privacy_threshold
from surveys.models import FACTORS, PLEDGE_FACTOR, Cycle, Participation, Rating, Score, Statement
from surveys.service import status


@dataclass(frozen=True)
class Figure:
    """An average over n answers; `value` is None when n is under the threshold."""

    n: int
    value: float | None


def _figure(n: int, total: float | None, threshold: int) -> Figure:
    if n < threshold or total is None:
        return Figure(n if n >= threshold else 0, None)
    return Figure(n, total / n)


def matrix(cycle: Cycle) -> dict[tuple[int, int | None], Figure]:
    """(supplier, customer) -> average overall satisfaction of that customer's raters
    (customer None: raters of no department)."""
    threshold = privacy_threshold()
    rows = db.session.execute(
        select(Rating.supplier_id, Rating.customer_id, func.count(Rating.overall),
               func.sum(Rating.overall))
        .where(Rating.cycle_id == cycle.id).group_by(Rating.supplier_id, Rating.customer_id))
    return {(s, c): _figure(n, total, threshold) for s, c, n, total in rows}


@dataclass
class Scorecard:
    supplier_id: int
    respondents: int
    shown: bool  # false: fewer respondents than the threshold, nothing else is filled in
    overall: Figure = Figure(0, None)
    loyalty: Figure = Figure(0, None)
    nps: Figure = Figure(0, None)  # value: net score from -100 to 100
    factors: dict[str, Figure] = field(default_factory=dict)
    pledges: list[tuple[str, str, Figure]] = field(default_factory=list)  # zh, en, figure
    comments: list[str] = field(default_factory=list)


def scorecard(cycle: Cycle, supplier_id: int) -> Scorecard:
    """One supplier's scorecard, comments included."""
    card = scorecards(cycle, [supplier_id])[supplier_id]
    if card.shown:
        # sorted, not in answer order: the order rows were written in must not show
        card.comments = sorted(db.session.scalars(select(Rating.comment).where(
            Rating.cycle_id == cycle.id, Rating.supplier_id == supplier_id,
            Rating.comment != "")))
    return card


def scorecards(cycle: Cycle, supplier_ids: list[int]) -> dict[int, Scorecard]:
    """Scorecards without comments, two GROUP BY queries for any number of suppliers."""
    threshold = privacy_threshold()
    wanted = (Rating.cycle_id == cycle.id, Rating.supplier_id.in_(supplier_ids))
    cards = {i: Scorecard(i, 0, False) for i in supplier_ids}
    for (supplier, n, overall_n, overall, loyalty_n, loyalty, nps_n, promoters,
         detractors) in db.session.execute(select(
            Rating.supplier_id, func.count(), func.count(Rating.overall),
            func.sum(Rating.overall), func.count(Rating.loyalty), func.sum(Rating.loyalty),
            func.count(Rating.recommend), func.sum(case((Rating.recommend >= 9, 1), else_=0)),
            func.sum(case((Rating.recommend <= 6, 1), else_=0)))
            .where(*wanted).group_by(Rating.supplier_id)):
        if n < threshold:
            continue
        card = cards[supplier] = Scorecard(supplier, n, True)
        card.overall = _figure(overall_n, overall, threshold)
        card.loyalty = _figure(loyalty_n, loyalty, threshold)
        card.nps = _figure(nps_n, 100 * ((promoters or 0) - (detractors or 0)), threshold)
    shown = [i for i, card in cards.items() if card.shown]
    by_statement: dict[tuple[int, int], tuple[int, int]] = {
        (supplier, sid): (count, total) for supplier, sid, count, total in db.session.execute(
            select(Score.supplier_id, Score.statement_id, func.count(), func.sum(Score.score))
            .where(Score.cycle_id == cycle.id, Score.supplier_id.in_(shown))
            .group_by(Score.supplier_id, Score.statement_id))} if shown else {}
    for supplier in shown:
        card = cards[supplier]
        for factor in FACTORS:
            count = total = 0
            for statement in cycle.statements:
                if statement.factor == factor and (supplier, statement.id) in by_statement:
                    count += by_statement[supplier, statement.id][0]
                    total += by_statement[supplier, statement.id][1]
            card.factors[factor] = _figure(count, total, threshold)
        for statement in cycle.statements:
            if statement.factor == PLEDGE_FACTOR and statement.department_id == supplier:
                pledge_n, pledge_total = by_statement.get((supplier, statement.id), (0, None))
                card.pledges.append((statement.text_zh, statement.text_en,
                                     _figure(pledge_n, pledge_total, threshold)))
    return cards


def trend(cycles: list[Cycle], supplier_id: int) -> list[tuple[Cycle, Scorecard]]:
    """This supplier's scorecard in each closed cycle it took part in, oldest first."""
    found = []
    for cycle in sorted(cycles, key=lambda c: (c.opens_on, c.id)):
        if status(cycle, local_today()) == "closed" and any(d.department_id == supplier_id
                                          for d in cycle.departments):
            found.append((cycle, scorecards(cycle, [supplier_id])[supplier_id]))
    return found


@dataclass
class ResponseRate:
    department_id: int
    name: str
    members: int
    answered: int

    @property
    def rate(self) -> float | None:
        return min(1.0, self.answered / self.members) if self.members else None


def response_rates(cycle: Cycle) -> list[ResponseRate]:
    """Participation counts are not answers: they show for every group size."""
    counts = dict(db.session.execute(
        select(Participation.department_id, func.count())
        .where(Participation.cycle_id == cycle.id).group_by(Participation.department_id)).all())
    return [ResponseRate(d.department_id, d.name, d.members, counts.get(d.department_id, 0))
            for d in cycle.departments]


def statement_text(statement: Statement, locale: str) -> str:
    return statement.text_zh if locale == "zh_CN" else statement.text_en
