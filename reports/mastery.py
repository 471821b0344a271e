"""What was not understood: concept mastery by department, misconceptions, item analysis.

Mastery and item analysis read each learner's first finished attempt at a quiz,
so retakes do not drown what the lessons alone taught. The heat map reads the
concept rollups; the per-question figures are one GROUP BY per page.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import selectinload

from accounts.models import User
from accounts.tree import Tree
from courses.models import Course
from extensions import db
from quizzes.models import Attempt, Question, QuestionRevision, Quiz, Response
from quizzes.types import get_type
from quizzes.vocabulary import in_course_order
from reports.models import ConceptRollup
from reports.service import Scope, privacy_threshold

MISCONCEPTIONS_SHOWN = 3


@dataclass
class Cell:
    responses: int = 0
    score_sum: int = 0
    learners: int = 0
    masked: bool = False

    def add(self, other: Cell) -> None:
        self.responses += other.responses
        self.score_sum += other.score_sum
        self.learners += other.learners

    @property
    def share(self) -> float | None:
        return self.score_sum / self.responses / 10000 if self.responses else None

    @property
    def heat(self) -> int:
        """1 (mostly wrong) to 4 (mostly right): the cell's colour class."""
        share = self.share or 0
        return 1 if share < .5 else 2 if share < .65 else 3 if share < .8 else 4


@dataclass
class HeatRow:
    id: int
    name: str
    depth: int
    cells: dict[str, Cell]
    misconceptions: list[tuple[str, Cell]]
    learners: int
    masked: bool


@dataclass
class Heatmap:
    tags: list[str]
    rows: list[HeatRow]
    threshold: int
    groups: list[tuple[str, int]] = field(default_factory=list)  # (course, its columns)


def course_groups(tags: list[str]) -> list[tuple[str, int]]:
    """Runs of neighbouring columns whose tag is first taught in the same course."""
    first_course: dict[str, str] = {}
    rows = db.session.execute(
        select(QuestionRevision.tags, Course.title)
        .join(Question, Question.current_revision_id == QuestionRevision.id)
        .join(Quiz, Quiz.id == Question.quiz_id).join(Course, Course.id == Quiz.course_id)
        .where(Course.status == "published").order_by(Course.id))
    for tags_of, title in rows:
        for tag in tags_of or []:
            first_course.setdefault(tag, title)
    groups: list[tuple[str, int]] = []
    for tag in tags:
        title = first_course.get(tag, "")
        if groups and groups[-1][0] == title:
            groups[-1] = (title, groups[-1][1] + 1)
        else:
            groups.append((title, 1))
    return groups


def heatmap(scope: Scope, tree: Tree, root_id: int | None = None) -> Heatmap:
    """Rows: the chosen department (else each of the viewer's top ones) and its children."""
    roots = [root_id] if root_id is not None else list(scope.roots)
    shown = [(row, depth) for root in roots
             for row, depth in [(root, 0)] + [(child, 1) for child in tree.nodes[root].children]]
    threshold = privacy_threshold()
    rows: list[HeatRow] = []
    tags: set[str] = set()
    for department_id, depth in shown:
        cells = subtree_cells(tree, department_id)
        for cell in cells.values():
            cell.masked = not scope.unmasked and cell.learners < threshold
        concepts = {tag: c for (kind, tag), c in cells.items() if kind == "concept"}
        tags.update(tag for tag, c in concepts.items() if c.responses)
        wrong = sorted(((tag, c) for (kind, tag), c in cells.items()
                        if kind == "misconception" and c.responses and not c.masked),
                       key=lambda pair: (-pair[1].responses, pair[0]))
        learners = max((c.learners for c in concepts.values()), default=0)
        rows.append(HeatRow(department_id, tree.nodes[department_id].name, depth, concepts,
                            wrong[:MISCONCEPTIONS_SHOWN], learners,
                            not scope.unmasked and learners < threshold))
    ordered = in_course_order(tags)
    return Heatmap(ordered, rows, threshold, course_groups(ordered))


def subtree_cells(tree: Tree, department_id: int) -> dict[tuple[str, str], Cell]:
    """A department's subtree, summed in SQL from the concept rollup (department x tag):
    one small GROUP BY, not every department's rows as objects added up in Python."""
    C = ConceptRollup
    below = tree.subtree(department_id)
    query = (select(C.kind, C.tag, func.sum(C.responses), func.sum(C.score_sum),
                    func.sum(C.learners)).group_by(C.kind, C.tag))
    if len(below) < len(tree.nodes):  # the whole tree needs no list of every department
        query = query.where(C.department_id.in_(below))
    return {(kind, tag): Cell(int(responses or 0), int(score_sum or 0), int(learners or 0))
            for kind, tag, responses, score_sum, learners in db.session.execute(query)}


# --- per question: facility, discrimination, distractors ----------------------------------


@dataclass
class QuestionStats:
    question: Question
    revision: QuestionRevision | None
    n: int = 0
    facility: float | None = None
    discrimination: float | None = None
    # (label, times chosen, right, misconception tag on that option)
    answers: list[tuple[str, int, bool, str | None]] = field(default_factory=list)


def _first_attempts() -> list[Any]:
    return [Attempt.number == 1, Attempt.state == "finished", Attempt.pending.is_(False),
            Response.fraction.is_not(None)]


@dataclass
class ConceptView:
    questions: list[Question]
    overall: dict[int, dict[str, float]]  # over everyone the viewer may see
    here: dict[int, dict[str, float]]  # within the chosen department, when one is


def concept_view(scope: Scope, tree: Tree, tag: str, root_id: int | None) -> ConceptView:
    """The questions carrying a concept tag, with their figures in the viewer's scope."""
    questions = questions_tagged(tag)
    ids = [q.id for q in questions]
    visible = None if scope.everything else sorted(scope.allowed)
    here = question_figures(ids, tree.subtree(root_id)) if root_id is not None else {}
    return ConceptView(questions, question_figures(ids, visible), here)


def question_figures(question_ids: list[int], departments: list[int] | None = None
                     ) -> dict[int, dict[str, float]]:
    """Sums per question over first attempts, enough for facility and a Pearson r."""
    if not question_ids:
        return {}
    x = Response.fraction
    y = Attempt.points - Response.fraction * QuestionRevision.points  # the rest of the test
    query = (
        select(QuestionRevision.question_id, func.count(), func.sum(x), func.sum(x * x),
               func.sum(y), func.sum(y * y), func.sum(x * y),
               func.count(Attempt.user_id.distinct()))
        .select_from(Response).join(Attempt, Attempt.id == Response.attempt_id)
        .join(QuestionRevision, QuestionRevision.id == Response.revision_id)
        .where(QuestionRevision.question_id.in_(question_ids), *_first_attempts())
        .group_by(QuestionRevision.question_id)
    )
    if departments is not None:
        query = query.join(User, User.id == Attempt.user_id).where(
            User.department_id.in_(departments))
    names = ("n", "sx", "sxx", "sy", "syy", "sxy", "learners")
    return {row[0]: dict(zip(names, [float(v or 0) for v in row[1:]], strict=True))
            for row in db.session.execute(query)}


def pearson(sums: dict[str, float]) -> float | None:
    n = sums["n"]
    spread = (n * sums["sxx"] - sums["sx"] ** 2) * (n * sums["syy"] - sums["sy"] ** 2)
    if n < 2 or spread <= 1e-12:
        return None
    return (n * sums["sxy"] - sums["sx"] * sums["sy"]) / math.sqrt(spread)


def answer_label(revision: QuestionRevision, answer: Any) -> str:
    """A readable answer for choice types; the stored value for the rest."""
    if answer is None:
        return ""
    if revision.type_id in ("matching", "ordering") and isinstance(answer, list):
        return _sequence_label(revision, answer)
    options = revision.data.get("options") if isinstance(revision.data, dict) else None
    if options and isinstance(answer, int) and 0 <= answer < len(options):
        return options[answer]["text"]
    if options and isinstance(answer, list) and all(isinstance(a, int) for a in answer):
        return "; ".join(options[a]["text"] for a in answer if 0 <= a < len(options))
    if isinstance(answer, bool):
        return _("True") if answer else _("False")
    return answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)


def _sequence_label(revision: QuestionRevision, answer: list[Any]) -> str:
    """Matching as "left → right; …", ordering as "first → second → …" (texts, not indexes)."""
    data = revision.data
    if revision.type_id == "ordering":
        items = data.get("items", [])
        return " → ".join(str(items[i]) if isinstance(i, int) and 0 <= i < len(items) else "?"
                          for i in answer)
    pairs = data.get("pairs", [])
    texts = [p["right"] for p in pairs] + list(data.get("distractors", []))
    return "; ".join(
        f"{pair['left']} → "
        f"{texts[choice] if isinstance(choice, int) and 0 <= choice < len(texts) else '—'}"
        for pair, choice in zip(pairs, answer, strict=False))


def _right(revision: QuestionRevision, answer: Any) -> bool:
    if revision.type_id in ("matching", "ordering") and isinstance(answer, list):
        return answer == get_type(revision.type_id).right_answer(revision.data)
    options = revision.data.get("options") if isinstance(revision.data, dict) else None
    if options and isinstance(answer, int) and 0 <= answer < len(options):
        return bool(options[answer].get("correct"))
    if isinstance(answer, bool):
        return answer == revision.data.get("answer")
    return False


def answer_counts(revision_ids: list[int]) -> dict[int, list[tuple[Any, int]]]:
    """How often each distinct answer was given, per revision, on first attempts."""
    if not revision_ids:
        return {}
    text = cast(Response.answer, Text)
    query = (select(Response.revision_id, text, func.count())
             .join(Attempt, Attempt.id == Response.attempt_id)
             .where(Response.revision_id.in_(revision_ids), *_first_attempts())
             .group_by(Response.revision_id, text))
    counts: dict[int, list[tuple[Any, int]]] = {}
    for revision_id, raw, count in db.session.execute(query):
        value = json.loads(raw) if raw is not None else None
        counts.setdefault(revision_id, []).append((value, count))
    return counts


def distractors(revision: QuestionRevision, counts: list[tuple[Any, int]]
                ) -> list[tuple[str, int, bool, str | None]]:
    """Per option for choice questions (every option listed), else per distinct answer."""
    options = revision.data.get("options") if isinstance(revision.data, dict) else None
    if options and revision.type_id in ("single_choice", "multiple_response"):
        tally = [0] * len(options)
        for value, count in counts:
            chosen = value if isinstance(value, list) else [value]
            for index in chosen:
                if isinstance(index, int) and 0 <= index < len(options):
                    tally[index] += count
        right = [bool(o.get("correct")) or o.get("weight", 0) > 0 for o in options]
        return [(o["text"], tally[i], right[i], o.get("misconception"))
                for i, o in enumerate(options)]
    ranked = [pair for pair in sorted(counts, key=lambda pair: -pair[1])
              if pair[0] is not None][:10]
    return [(answer_label(revision, value), count, _right(revision, value), None)
            for value, count in ranked]


def item_analysis(quiz: Quiz, only: Question | None = None) -> list[QuestionStats]:
    """Facility, discrimination and distractor counts per published question (or one)."""
    query = (select(Question).where(Question.quiz_id == quiz.id)
             .options(selectinload(Question.current)).order_by(Question.position))
    if only is not None:
        query = query.where(Question.id == only.id)
    published = [(q, q.current) for q in db.session.scalars(query) if q.current is not None]
    figures = question_figures([q.id for q, _revision in published])
    counts = answer_counts([revision.id for _question, revision in published])
    stats = []
    for question, revision in published:
        sums = figures.get(question.id)
        stat = QuestionStats(question, revision)
        if sums:
            stat.n = int(sums["n"])
            stat.facility = sums["sx"] / sums["n"]
            stat.discrimination = pearson(sums)
        stat.answers = distractors(revision, counts.get(revision.id, []))
        stats.append(stat)
    return stats


def questions_tagged(tag: str) -> list[Question]:
    """Questions whose published revision carries the tag (hundreds of rows at most)."""
    rows = db.session.execute(select(Question, QuestionRevision.tags).join(
        QuestionRevision, QuestionRevision.id == Question.current_revision_id))
    return [question for question, tags in rows if tag in (tags or [])]


@dataclass
class AnswerLine:
    response_id: int
    attempt_id: int
    learner: str
    department: str
    number: int
    submitted_at: Any
    answer: str
    fraction: float | None


def individual_answers(question: Question, tree: Tree, page: int, per_page: int = 50
                       ) -> tuple[list[AnswerLine], int]:
    """Every finished attempt's answer to the question, newest first (trainers, admins)."""
    conditions = [QuestionRevision.question_id == question.id, Attempt.state == "finished"]
    total = db.session.scalar(
        select(func.count()).select_from(Response)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(QuestionRevision, QuestionRevision.id == Response.revision_id)
        .where(*conditions)) or 0
    query = (select(Response, Attempt, User, QuestionRevision)
             .join(Attempt, Attempt.id == Response.attempt_id)
             .join(User, User.id == Attempt.user_id)
             .join(QuestionRevision, QuestionRevision.id == Response.revision_id)
             .where(*conditions)
             .order_by(Attempt.submitted_at.desc(), Response.id.desc())
             .limit(per_page).offset((max(page, 1) - 1) * per_page))
    lines = [AnswerLine(r.id, a.id, u.name,
                        tree.nodes[u.department_id].name if u.department_id in tree.nodes
                        else "", a.number, a.submitted_at, answer_label(rev, r.answer),
                        r.fraction)
             for r, a, u, rev in db.session.execute(query)]
    return lines, total
