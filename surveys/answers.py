"""Anonymous answering.

Starting writes two rows in one transaction: a participation row (this person took
part: reminders stop, the response rate counts them) and an answer set keyed by the
SHA-256 of a fresh random key. The key goes back to the respondent only (their
session, and a resume code they can note for another browser); the server keeps no
copy and nothing that derives it, so no page, export or API call can join a person to
an answer set. The cost: a respondent who loses the key cannot change their answers,
and cannot start a second answer set either (participation is unique per person).

Answers change until the window closes: each save replaces that supplier's answers
under the same key, so two tabs holding the same key just overwrite each other.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from extensions import db
from surveys.models import AnswerSet, Cycle, Participation, Rating, Score
from surveys.service import SurveyError, statements_for, status, taking_part

COMMENT_MAX = 1000


def hash_key(key: str) -> str:
    return hashlib.sha256(key.strip().encode("utf-8")).hexdigest()


def _accepting(cycle: Cycle, day: date) -> None:
    state = status(cycle, day)
    if state == "closed":
        raise SurveyError("cycle", _("This survey has closed: answers are no longer taken"))
    if state != "open":
        raise SurveyError("cycle", _("This survey is not open yet"))


def has_taken_part(cycle: Cycle, user: User) -> bool:
    return db.session.get(Participation, (cycle.id, user.id)) is not None


def _check_suppliers(cycle: Cycle, department_id: int | None,
                     supplier_ids: Iterable[int]) -> list[int]:
    chosen = sorted(set(supplier_ids))
    if department_id in chosen:
        raise SurveyError("suppliers", _("You cannot rate your own department"))
    if not chosen:
        raise SurveyError("suppliers", _("Pick at least one department that served you"))
    if any(taking_part(cycle, i) is None for i in chosen):
        raise SurveyError("suppliers", _("That department does not take part in this survey"))
    return chosen


def start(cycle: Cycle, user: User, supplier_ids: Iterable[int], day: date) -> str:
    """Record participation and an empty answer set; return the key (shown once); commits."""
    _accepting(cycle, day)
    if taking_part(cycle, user.department_id) is None:
        raise SurveyError("cycle", _("Your department does not take part in this survey"))
    chosen = _check_suppliers(cycle, user.department_id, supplier_ids)
    if has_taken_part(cycle, user):
        raise SurveyError("cycle", _("You have already started this survey (perhaps in another "
                                   "tab): enter your resume code to change your answers"))
    key = secrets.token_urlsafe(18)
    digest = hash_key(key)
    db.session.add(Participation(cycle_id=cycle.id, user_id=user.id,
                                 department_id=user.department_id))
    db.session.add(AnswerSet(cycle_id=cycle.id, key_hash=digest,
                             department_id=user.department_id))
    db.session.add_all(Rating(cycle_id=cycle.id, supplier_id=s, key_hash=digest,
                              customer_id=user.department_id, comment="") for s in chosen)
    try:
        db.session.commit()
    except IntegrityError:  # the other tab's start won; this one writes nothing
        db.session.rollback()
        raise SurveyError("cycle", _("You have already started this survey in another tab: "
                                   "reload the page")) from None
    return key


def answer_set(cycle: Cycle, key: str | None) -> AnswerSet | None:
    if not key:
        return None
    return db.session.get(AnswerSet, (cycle.id, hash_key(key)))


def ratings(cycle: Cycle, answers: AnswerSet) -> list[Rating]:
    return list(db.session.scalars(select(Rating).where(
        Rating.cycle_id == cycle.id, Rating.key_hash == answers.key_hash)
        .order_by(Rating.supplier_id)))


def scores(cycle: Cycle, answers: AnswerSet, supplier_id: int) -> dict[int, int]:
    return dict(db.session.execute(select(Score.statement_id, Score.score).where(
        Score.cycle_id == cycle.id, Score.supplier_id == supplier_id,
        Score.key_hash == answers.key_hash)).all())


def set_suppliers(cycle: Cycle, answers: AnswerSet, supplier_ids: Iterable[int],
                  day: date) -> None:
    """Change whom this respondent rates; a dropped supplier's answers go; commits."""
    _accepting(cycle, day)
    chosen = set(_check_suppliers(cycle, answers.department_id, supplier_ids))
    current = {r.supplier_id for r in ratings(cycle, answers)}
    for dropped in current - chosen:
        _clear(cycle, answers, dropped, rating_too=True)
    db.session.add_all(Rating(cycle_id=cycle.id, supplier_id=s, key_hash=answers.key_hash,
                              customer_id=answers.department_id, comment="")
                       for s in sorted(chosen - current))
    db.session.commit()


def _clear(cycle: Cycle, answers: AnswerSet, supplier_id: int, rating_too: bool) -> None:
    mine = (Score.cycle_id == cycle.id, Score.supplier_id == supplier_id,
            Score.key_hash == answers.key_hash)
    db.session.execute(delete(Score).where(*mine))
    if rating_too:
        db.session.execute(delete(Rating).where(
            Rating.cycle_id == cycle.id, Rating.supplier_id == supplier_id,
            Rating.key_hash == answers.key_hash))


@dataclass(frozen=True)
class SupplierAnswers:
    scores: dict[int, int | None]  # statement id -> 1-5, None for "no answer"
    overall: int | None
    loyalty: int | None
    recommend: int | None
    comment: str


def _in_range(value: int | None, low: int, high: int, field: str) -> int | None:
    if value is not None and not low <= value <= high:
        raise SurveyError(field, _("Pick a value from %(low)s to %(high)s", low=low, high=high))
    return value


def save(cycle: Cycle, answers: AnswerSet, supplier_id: int, given: SupplierAnswers,
         day: date) -> None:
    """Replace this respondent's answers about one supplier; all checked first; commits."""
    _accepting(cycle, day)
    rating = db.session.get(Rating, (cycle.id, supplier_id, answers.key_hash))
    if rating is None:
        raise SurveyError("supplier", _("You did not pick this department to rate"))
    allowed = {s.id for s in statements_for(cycle, supplier_id)}
    for statement_id, value in given.scores.items():
        if statement_id not in allowed:
            raise SurveyError(f"s{statement_id}", _("unknown statement"))
        _in_range(value, 1, 5, f"s{statement_id}")
    _in_range(given.overall, 1, 5, "overall")
    _in_range(given.loyalty, 1, 5, "loyalty")
    _in_range(given.recommend, 0, 10, "recommend")
    comment = (given.comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise SurveyError("comment", _("The comment has at most %(n)s characters", n=COMMENT_MAX))
    _clear(cycle, answers, supplier_id, rating_too=False)
    db.session.add_all(Score(cycle_id=cycle.id, supplier_id=supplier_id, statement_id=i,
                             key_hash=answers.key_hash, customer_id=answers.department_id,
                             score=v) for i, v in sorted(given.scores.items()) if v is not None)
    rating.overall, rating.loyalty, rating.recommend = (given.overall, given.loyalty,
                                                        given.recommend)
    rating.comment = comment
    try:
        db.session.commit()
    except IntegrityError:  # another tab saved the same supplier at the same moment
        db.session.rollback()
        raise SurveyError("supplier", _("Another tab saved these answers at the same moment: "
                                      "reload the page and save again")) from None


def open_tasks(user: User, day: date) -> list[Cycle]:
    """Open cycles this person's department takes part in, answered or not (they can still
    change answers until the close)."""
    if user.department_id is None:
        return []
    found = db.session.scalars(select(Cycle).where(Cycle.state == "open",
                                                   Cycle.opens_on <= day,
                                                   Cycle.closes_on >= day))
    return [c for c in found if taking_part(c, user.department_id) is not None]
