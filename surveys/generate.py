"""A big survey cycle for benchmarks: N respondents across the first D departments of a
generated company (`flask demo generate`), each rating two or three suppliers.

Rows are bulk-inserted (COPY on PostgreSQL) by the writer demo.generate uses for its company;
participation rows are written only for respondents who exist as users.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from accounts.models import Department
from extensions import db
from reports.sql import bulk_writer
from surveys import service
from surveys.answers import hash_key
from surveys.models import AnswerSet, Cycle, Rating, Score

BATCH = 5000


@dataclass
class SurveyGenerateReport:
    cycle_id: int
    departments: int
    respondents: int
    ratings: int
    scores: int


def generate_cycle(respondents: int, departments: int, today: date,
                   seed: int = 2026) -> SurveyGenerateReport:
    ids = list(db.session.scalars(select(Department.id).order_by(Department.id)
                                  .limit(departments)))
    if len(ids) < 2:
        raise service.SurveyError("departments", "generate a company first (flask demo "
                                                 "generate): fewer than two departments")
    cycle = service.create_cycle(service.CycleInput(
        f"Generated cycle ({respondents} respondents)", today - timedelta(days=20),
        today - timedelta(days=6), tuple(ids)))
    service.open_cycle(cycle)
    statements: dict[int, list[int]] = {i: [s.id for s in service.statements_for(cycle, i)]
                                        for i in ids}
    rng = random.Random(seed)
    quality = {i: rng.uniform(2.6, 4.4) for i in ids}
    write = bulk_writer()
    sets: list[tuple[Any, ...]] = []
    ratings: list[tuple[Any, ...]] = []
    scores: list[tuple[Any, ...]] = []
    counts = [0, 0]

    def flush() -> None:
        write(AnswerSet.__table__, ("cycle_id", "key_hash", "department_id"), sets)
        write(Rating.__table__, ("cycle_id", "supplier_id", "key_hash", "customer_id",
                                 "overall", "loyalty", "recommend", "comment"), ratings)
        write(Score.__table__, ("cycle_id", "supplier_id", "statement_id", "key_hash",
                                "customer_id", "score"), scores)
        counts[0] += len(ratings)
        counts[1] += len(scores)
        sets.clear()
        ratings.clear()
        scores.clear()

    def clip(value: float, low: int, high: int) -> int:
        return max(low, min(high, round(value)))

    for _n in range(respondents):
        customer = rng.choice(ids)
        key = hash_key(secrets.token_urlsafe(18))
        sets.append((cycle.id, key, customer))
        for supplier in rng.sample([i for i in ids if i != customer], rng.choice((2, 3))):
            mood = rng.gauss(quality[supplier], 0.8)
            comment = "希望沟通更及时。" if rng.random() < 0.1 else ""
            ratings.append((cycle.id, supplier, key, customer, clip(mood, 1, 5),
                            clip(mood + rng.gauss(0, .5), 1, 5),
                            clip(2 * mood + rng.gauss(1, 1.5), 0, 10), comment))
            scores.extend((cycle.id, supplier, s, key, customer,
                           clip(mood + rng.gauss(0, .6), 1, 5)) for s in statements[supplier])
        if len(sets) >= BATCH:
            flush()
    flush()
    cycle_row = db.session.get(Cycle, cycle.id)
    assert cycle_row is not None
    cycle_row.state = "closed"
    db.session.commit()
    return SurveyGenerateReport(cycle.id, len(ids), respondents, counts[0], counts[1])
