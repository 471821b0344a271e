"""The attacker who reads the page, not the question (issue 14).

A client that knows nothing of the content answers every question from the names
and values in the page's HTML alone: the first value, the last, the value whose token
sorts first or last, the n-th value for the n-th field, the value most like the
field's own name. Over many attempts it must score what a blind guess scores.

The question bank puts every right answer first, as the bundled content once did:
that is the bias a page in authored order (or with authored indexes as values) hands
to such a client. `test_the_same_attacker_wins_on_pages_that_post_authored_indexes`
shows the test can tell: on such pages the same client scores far above chance.

Two layers: many simulated attempts per type (the type's own render_context,
template, normalise and grade, with the tokens and shuffles an attempt gets), and
whole attempts through HTTP on both databases.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from statistics import mean
from typing import Any

import pytest

from extensions import db
from quizzes.models import Attempt
from quizzes.types import AnswerError, get_type
from quizzes.types.base import AUTHORED_INDEXES, OptionTokens, SignedTokens
from tests.quizzes.conftest import Form

PREFIX = "q7"
ATTEMPTS = 1000  # per question; every rule answers each attempt's page
MARGIN_SE = 4  # standard errors: the seeds are fixed, the margin keeps it robust


def sc(n: int) -> dict[str, Any]:
    return {"options": [{"text": f"选项{i}", "correct": i == 0} for i in range(n)]}


def cloze() -> dict[str, Any]:
    return {"text": "交接时 {{1}}，交接后 {{2}}，最后 {{3}}。", "gaps": [
        {"kind": "choice", "options": [{"text": t, "correct": i == 0}
                                       for i, t in enumerate(["当面核对", "发群里", "不管"])]},
        {"kind": "short", "answers": [{"text": "*确认*", "weight": 100}]},
        {"kind": "choice", "options": [{"text": "跟进", "correct": True},
                                       {"text": "结束", "correct": False}]}]}


def perms_mean(grade: Callable[[list[int]], float], n: int) -> float:
    return mean(grade(list(p)) for p in itertools.permutations(range(n)))


ORDERING = {"items": ["提醒", "交接", "核对", "跟进"]}
LONGEST = {"items": ["准备", "提醒", "交接", "跟进"], "scoring": "longest_run"}
MR = {"options": [{"text": "甲", "weight": 50}, {"text": "乙", "weight": 50},
                  {"text": "丙", "weight": -50}, {"text": "丁", "weight": -50}]}
MATCH = {"pairs": [{"left": "销售", "right": "订单"}, {"left": "财务", "right": "报销"},
                   {"left": "人事", "right": "入职"}], "distractors": ["咖啡"]}
MATCH_2 = {"pairs": [{"left": "上游", "right": "交"}, {"left": "下游", "right": "接"}]}


def mr_chance(k: int) -> float:
    """A blind client ticking k boxes: the mean grade over every k-subset."""
    qtype = get_type("multiple_response")
    data = qtype.validate(MR)
    return mean(qtype.grade(data, list(c)).fraction
                for c in itertools.combinations(range(4), k))


def ordering_chance(data: dict[str, Any]) -> float:
    qtype = get_type("ordering")
    clean = qtype.validate(data)
    return perms_mean(lambda p: qtype.grade(clean, p).fraction, len(clean["items"]))


# (label, type, data, chance of a blind guess): a single pick among n scores 1/n;
# matching and ordering grade row by row (position), so any single pick per row
# scores 1/(distinct choices); text the page cannot know scores 0.
BANK: list[tuple[str, str, dict[str, Any], float]] = [
    ("single choice, 4 options", "single_choice", sc(4), 1 / 4),
    ("single choice, 2 options", "single_choice", sc(2), 1 / 2),
    ("multiple response", "multiple_response", MR, mr_chance(1)),
    ("true/false, true", "true_false", {"answer": True}, 1.0),  # see the true/false test
    ("true/false, false", "true_false", {"answer": False}, 0.0),
    ("short answer", "short_answer", {"answers": [{"text": "*条件客户*", "weight": 100}]}, 0.0),
    ("numerical", "numerical", {"answers": [{"value": 42, "weight": 100}]}, 0.0),
    ("matching, 3 pairs + 1 distractor", "matching", MATCH, 1 / 4),
    ("matching, 2 pairs", "matching", MATCH_2, 1 / 2),
    ("ordering, position", "ordering", ORDERING, ordering_chance(ORDERING)),
    ("ordering, longest run", "ordering", LONGEST, ordering_chance(LONGEST)),
    ("cloze", "cloze", cloze(), (1 / 3 + 0 + 1 / 2) / 3),
    ("essay", "essay", {"rubric": "说明交接前、交接时、交接后各做什么。"}, 0.0),
]


# --- reading a page as the attacker does -------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # "one" (radio group, select), "many" (checkboxes), "text"
    values: list[str]  # in page order; for text, what the page pre-fills


def fields_of(html: str) -> list[Field]:
    """The answer fields of a page, in page order: names and values, nothing else."""
    form, fields, by_name = Form(html), [], {}
    for control in form.controls:
        name, kind = control.get("name"), control.get("type")
        if not name or kind == "hidden" or name in ("csrf_token", "page", "slots", "action"):
            continue
        if control["tag"] == "select":
            field = Field(name, "one", [o["value"] for o in form.options[name] if o["value"]])
        elif kind in ("radio", "checkbox"):
            if name in by_name:
                by_name[name].values.append(control["value"])
                continue
            field = Field(name, "one" if kind == "radio" else "many", [control["value"]])
        else:
            field = Field(name, "text", [control.get("value") or ""])
        by_name[name] = field
        fields.append(field)
    return fields


def shared_prefix(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)))


# A rule ranks a field's values, best first, from what the page shows: page order,
# the token's spelling, its likeness to the field's own name, the field's place.
Rule = Callable[[Field, int], list[str]]
RULES: dict[str, Rule] = {
    "first value": lambda f, i: f.values,
    "last value": lambda f, i: f.values[::-1],
    "token sorting first": lambda f, i: sorted(f.values),
    "token sorting last": lambda f, i: sorted(f.values, reverse=True),
    "n-th value for the n-th field": lambda f, i: f.values[i % len(f.values):]
    + f.values[:i % len(f.values)],
    "value most like the field's name": lambda f, i: sorted(
        f.values, key=lambda v: -shared_prefix(v, f.name.rsplit("-", 1)[-1])),
}
# Fields whose values are the same positions 1..n are an ordering: the rule ranks
# the fields instead, and gives them positions in that order.
FIELD_RULES: dict[str, Callable[[list[Field]], list[Field]]] = {
    "first value": lambda fs: fs,
    "last value": lambda fs: fs[::-1],
    "token sorting first": lambda fs: sorted(fs, key=lambda f: f.name),
    "token sorting last": lambda fs: sorted(fs, key=lambda f: f.name, reverse=True),
    "n-th value for the n-th field": lambda fs: fs[1:] + fs[:1],
    "value most like the field's name": lambda fs: sorted(fs, key=lambda f: f.name[::-1]),
}


def attack(fields: list[Field], rule: str) -> dict[str, list[str]]:
    """The attacker's post: every question answered, from names and values alone."""
    posted: dict[str, list[str]] = {}
    choices = [f for f in fields if f.kind != "text"]
    positions = [f for f in choices if f.values == [str(n) for n in range(1, len(f.values) + 1)]]
    if positions and len(positions) == len(positions[0].values):
        for place, field in enumerate(FIELD_RULES[rule](positions), start=1):
            posted[field.name] = [str(place)]
        choices = [f for f in choices if f not in positions]
    for i, field in enumerate(choices):
        posted[field.name] = RULES[rule](field, i)[:1]  # one box of a checkbox group too
    for field in (f for f in fields if f.kind == "text"):
        posted[field.name] = field.values[:1]  # all the page offers: what it pre-fills
    return posted


def raw_of(posted: dict[str, list[str]], prefix: str) -> dict[str, list[str]]:
    return {name[len(prefix) + 1:]: values for name, values in posted.items()
            if name == prefix or name.startswith(prefix + "-")}


# --- many simulated attempts per type ------------------------------------------


def simulated_scores(jinja_env, type_id: str, data: dict[str, Any], seed: int,
                     tokens_for: Callable[[int], OptionTokens] | None = None,
                     ) -> dict[str, list[float]]:
    """Each rule's score on ATTEMPTS pages of one question, as attempts would show it."""
    qtype = get_type(type_id)
    clean = qtype.validate(data)
    rng = random.Random(seed)
    template = jinja_env.get_template(qtype.template)
    scores: dict[str, list[float]] = {rule: [] for rule in RULES}
    for attempt in range(ATTEMPTS):
        order = qtype.option_order(clean, rng)
        tokens = tokens_for(attempt) if tokens_for else SignedTokens(
            b"a secret key", f"{attempt}:{seed}")
        html = template.render(prefix=PREFIX, ctx=qtype.render_context(clean, order, tokens),
                               answer=None, disabled=False)
        fields = fields_of(html)
        for rule in RULES:
            try:
                answer = qtype.normalise(clean, raw_of(attack(fields, rule), PREFIX), tokens)
            except AnswerError:  # the server refuses it: nothing is saved, nothing scores
                answer = None
            grade = qtype.grade(clean, answer)
            scores[rule].append(0.0 if grade.pending else grade.fraction)
    return scores


def margin(chance: float, scores: list[float]) -> float:
    """MARGIN_SE standard errors of the mean, from the scores' own spread (at least
    that of a fair coin's 1/n share, so a rule that never varies gets no free pass)."""
    spread = max(math.sqrt(sum((s - chance) ** 2 for s in scores) / len(scores)),
                 math.sqrt(chance * (1 - chance)))
    return MARGIN_SE * spread / math.sqrt(len(scores))


MEASURED: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def print_measured():
    """What the attacker scored, printed after the module (read it with -s)."""
    yield
    print("\n" + "\n".join(["question                           rule"
                             "                                mean   chance", *MEASURED]))


@pytest.mark.parametrize(("label", "type_id", "data", "chance"),
                         [b for b in BANK if b[1] != "true_false"],
                         ids=[b[0] for b in BANK if b[1] != "true_false"])
def test_a_client_reading_only_names_and_values_scores_chance(jinja_env, label, type_id,
                                                               data, chance):
    scores = simulated_scores(jinja_env, type_id, data, seed=sum(map(ord, label)))
    for rule, got in scores.items():
        measured = mean(got)
        MEASURED.append(f"{label:34} {rule:34} {measured:6.3f}  chance {chance:.3f}")
        # neither above chance (the key leaks) nor below it (the shuffle is biased,
        # which tells the attacker something too)
        assert abs(measured - chance) <= margin(chance, got) + 1e-9, (label, rule, measured)


def test_true_false_pages_are_the_same_for_a_true_and_a_false_statement(jinja_env):
    """True/false posts the words the learner reads; the page is byte for byte the same
    whichever is right, so a blind client scores the bank's share of its pick: one
    half on a bank of both."""
    qtype = get_type("true_false")
    pages = set()
    for answer in (True, False):
        data = qtype.validate({"answer": answer})
        pages.add(jinja_env.get_template(qtype.template).render(
            prefix=PREFIX, ctx=qtype.render_context(data, qtype.option_order(
                data, random.Random(0))),
            answer=None, disabled=False))
    assert len(pages) == 1
    both = {b[0]: b for b in BANK if b[1] == "true_false"}
    per_rule = [simulated_scores(jinja_env, "true_false", b[2], seed=i)
                for i, b in enumerate(both.values())]
    for rule in RULES:
        measured = mean(per_rule[0][rule] + per_rule[1][rule])
        MEASURED.append(f"{'true/false, a bank of both':34} {rule:34} {measured:6.3f}  "
                        f"chance 0.500")
        assert measured == 0.5


@pytest.mark.parametrize("type_id", ["short_answer", "numerical", "essay"])
def test_text_questions_render_the_same_page_whatever_the_key(jinja_env, type_id):
    keys = {"short_answer": [{"answers": [{"text": t, "weight": 100}]} for t in ("甲", "乙*")],
            "numerical": [{"answers": [{"value": v, "weight": 100}]} for v in (1, 99.5)],
            "essay": [{"rubric": t} for t in ("", "要点一\n要点二")]}[type_id]
    qtype = get_type(type_id)
    pages = {jinja_env.get_template(qtype.template).render(
        prefix=PREFIX, ctx=qtype.render_context(qtype.validate(d), None, SignedTokens(b"k", "s")),
        answer=None, disabled=False) for d in keys}
    assert len(pages) == 1


def test_the_same_attacker_wins_on_pages_that_post_authored_indexes(jinja_env):
    """The control: the old pages (shuffled, but posting authored indexes) lose the key
    to the very same client, so the chance results above are not the test's blindness."""
    won = {}
    for label, type_id, data, chance in BANK:
        if type_id in ("single_choice", "multiple_response", "matching", "ordering", "cloze"):
            scores = simulated_scores(jinja_env, type_id, data, seed=1,
                                      tokens_for=lambda _: AUTHORED_INDEXES)
            won[label] = max(mean(s) for s in scores.values())
            MEASURED.append(f"{label:34} {'best rule, authored indexes':34} "
                            f"{won[label]:6.3f}  chance {chance:.3f}")
            assert won[label] > chance + 0.2, label
    assert won["single choice, 4 options"] == 1.0  # "the token sorting first" is "0"


# --- whole attempts through HTTP, on SQLite and PostgreSQL -----------------------

HTTP_ATTEMPTS = 40
NAME = re.compile(r"q\d+(-[0-9a-f]{16}|-\d+)?|seq-\d+|slots|page|action|csrf_token")


def test_whole_attempts_through_http_score_chance(app, make, auth, client):
    """Nine questions, one per type, right answers authored first: the client reads each
    attempt's page, posts one rule's answers with the page's own hidden fields, submits."""
    questions = [{"key": label.split(",")[0].replace(" ", "-").replace("/", "-") + str(i),
                  "type": type_id, "prompt": label, "points": 1, "data": data}
                 for i, (label, type_id, data, _) in enumerate(BANK)
                 if label not in ("single choice, 2 options", "true/false, false",
                                  "matching, 2 pairs", "ordering, longest run")]
    chances = {q["type"]: next(b[3] for b in BANK if b[0] == q["prompt"]) for q in questions}
    chances["true_false"] = 0.5  # half the attempts get the true, half the false statement
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", questions=questions)])
    make.user("attacker@example.com")
    auth.login("attacker@example.com")
    app.config["QUIZ_PAGE_SIZE"] = len(questions)
    scores: dict[str, list[float]] = {q["type"]: [] for q in questions}
    for n in range(HTTP_ATTEMPTS):
        if n == HTTP_ATTEMPTS // 2:  # the statement becomes false: a new revision
            questions = [{**q, "data": {"answer": False}} if q["type"] == "true_false" else q
                         for q in questions]
            make.course("c", lessons=0, quizzes=[make.quiz_source("q", questions=questions)])
        location = client.post("/quizzes/q/start").headers["Location"]
        page = client.get(location).get_data(as_text=True)
        start = page.index('class="attempt-form"')
        page = page[start:page.index("</form>", start)]  # not the header's own forms
        form = Form(page)
        assert all(NAME.fullmatch(c["name"]) for c in form.controls if c.get("name")), \
            [c["name"] for c in form.controls]
        hidden = {c["name"]: [c.get("value") or ""] for c in form.controls
                  if c.get("type") == "hidden"}
        posted = attack(fields_of(page), "first value")
        response = client.post(location, data={**hidden, **posted, "action": "submit"})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        review = client.get(response.headers["Location"])
        assert review.status_code == 200
        attempt = db.session.get(Attempt, int(location.rsplit("/", 1)[1]))
        for r in attempt.responses:
            scores[r.revision.type_id].append(r.fraction or 0.0)
    for type_id, got in scores.items():
        measured = mean(got)
        where = f"HTTP {db.engine.dialect.name[:6]} {type_id}"
        MEASURED.append(f"{where:34} {'first value':34} {measured:6.3f}  "
                        f"chance {chances[type_id]:.3f}")
        assert abs(measured - chances[type_id]) <= margin(chances[type_id], got) + 1e-9, \
            (type_id, measured)
