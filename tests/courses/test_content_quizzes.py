"""The bundled quizzes test understanding: keys not guessable from shape, finals that are
new workplace scenarios drawn from a pool, no wrong typed answer accepted."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from statistics import mean

import pytest

from authoring.content_import import CourseSource, ItemSource, load_content
from quizzes.content import QuestionSource, QuizSource
from quizzes.types import REGISTRY
from quizzes.types.cloze import grade_gap

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
HAN = re.compile(r"[\u3400-\u9fff]")
# A final's scenario questions are keyed "scene-..." (see docs/content-format.md).
SCENARIO = "scene-"
# A scenario must put a new situation in front of the learner, so its text shares no run of
# this many Han characters with the course's lessons (names, numbers and sentences differ).
LESSON_RUN = 12


@pytest.fixture(scope="module")
def sources() -> list[CourseSource]:
    return load_content(CONTENT)


def quizzes(sources: list[CourseSource]) -> list[QuizSource]:
    return [i.target for s in sources for i in s.items if isinstance(i.target, QuizSource)]


def questions(sources: list[CourseSource], type_id: str) -> list[QuestionSource]:
    return [q for quiz in quizzes(sources) for q in quiz.questions if q.type_id == type_id]


def finals(sources: list[CourseSource]) -> list[tuple[CourseSource, QuizSource]]:
    """Each course's last required quiz."""
    found = []
    for source in sources:
        required = [i.target for i in source.items
                    if i.required and isinstance(i.target, QuizSource)]
        found.append((source, required[-1]))
    return found


def shape_statistics(sources: list[CourseSource]) -> dict[str, float]:
    """Where a guesser would look: key balance, the longest option, authored positions."""
    true_false = questions(sources, "true_false")
    single = [q.data["options"] for q in questions(sources, "single_choice")]
    correct = [next(i for i, o in enumerate(options) if o["correct"]) for options in single]
    lengths = [[len(o["text"]) for o in options] for options in single]
    strictly_longest = [
        all(length[c] > other for i, other in enumerate(length) if i != c)
        for c, length in zip(correct, lengths, strict=True)]
    length_ratio = [length[c] / mean(x for i, x in enumerate(length) if i != c)
                    for c, length in zip(correct, lengths, strict=True)]
    multiple = [q.data["options"] for q in questions(sources, "multiple_response")]
    two_extremes = [sum(o["weight"] <= -50 for o in options) == 2 for options in multiple]
    return {
        "true_false_items": len(true_false),
        "true_false_keyed_true": mean(q.data["answer"] for q in true_false),
        "single_choice_items": len(single),
        "correct_is_strictly_longest": mean(strictly_longest),
        "correct_to_distractor_length": mean(length_ratio),
        "commonest_correct_position": Counter(correct).most_common(1)[0][1] / len(correct),
        "multiple_response_items": len(multiple),
        "exactly_two_extreme_wrong_options": mean(two_extremes),
    }


def test_answers_cannot_be_guessed_from_their_shape(sources):
    stats = shape_statistics(sources)
    print("\n".join(f"{name}: {value:.2f}" for name, value in stats.items()))
    assert 0.3 <= stats["true_false_keyed_true"] <= 0.7
    assert stats["correct_is_strictly_longest"] <= 0.5
    assert stats["correct_to_distractor_length"] <= 1.25
    assert stats["commonest_correct_position"] <= 0.5
    assert stats["exactly_two_extreme_wrong_options"] <= 0.5


def test_shape_statistics_catch_a_giveaway_quiz():
    # The same measure on a made-up quiz with every tell the issue names must fail.
    def option(text: str, correct: bool) -> dict:
        return {"text": text, "correct": correct}

    giveaway = QuizSource("giveaway", "t", {}, [
        QuestionSource("tf", "true_false", "p", {"answer": False}),
        QuestionSource("sc", "single_choice", "p", {"options": [
            option("一个很长很长而且面面俱到的正确答案", True), option("短", False),
            option("也短", False)]}),
        QuestionSource("mr", "multiple_response", "p", {"options": [
            {"text": "a", "weight": 100}, {"text": "b", "weight": -50},
            {"text": "c", "weight": -50}]}),
    ])
    stats = shape_statistics([CourseSource("c", "课", None, "s", 1, [ItemSource(giveaway)])])
    assert stats["true_false_keyed_true"] == 0
    assert stats["correct_is_strictly_longest"] == 1
    assert stats["correct_to_distractor_length"] > 1.25
    assert stats["exactly_two_extreme_wrong_options"] == 1


def lesson_text(source: CourseSource) -> str:
    return "".join("".join(HAN.findall(i.target.body)) for i in source.items
                   if not isinstance(i.target, QuizSource))


def shares_a_run(text: str, lessons: str, length: int) -> str | None:
    han = "".join(HAN.findall(text))
    return next((han[i:i + length] for i in range(len(han) - length + 1)
                 if han[i:i + length] in lessons), None)


def test_finals_are_pools_of_new_workplace_scenarios(sources):
    for source, final in finals(sources):
        draw, pool = final.settings["draw"], final.questions
        assert isinstance(draw, int) and draw < len(pool), final.slug  # a retake differs
        others = [q.key for q in pool if not q.key.startswith(SCENARIO)]
        # even a paper that draws every non-scenario question is two-thirds scenarios
        assert len(others) <= draw // 3, (final.slug, others)
        lessons = lesson_text(source)
        for question in pool:
            if question.key.startswith(SCENARIO):
                text = question.prompt + (question.case.text if question.case else "")
                copied = shares_a_run(text, lessons, LESSON_RUN)
                assert copied is None, (final.slug, question.key, copied)


def test_finals_keep_answers_back_until_the_last_attempt_or_a_pass(sources):
    for _, final in finals(sources):
        settings = final.settings
        assert settings["review"] == "after_last_attempt", final.slug
        assert settings["pass_mark"] >= 70 and settings["attempts_allowed"], final.slug
        assert settings["shuffle_questions"], final.slug


def test_required_quizzes_never_wait_for_a_trainer(sources):
    # An essay is graded by hand; in a required quiz it would hold completion until then.
    for source in sources:
        for item in source.items:
            if isinstance(item.target, QuizSource) and item.required:
                assert all(q.type_id != "essay" for q in item.target.questions), item.target.slug
    optional = [i.target for s in sources for i in s.items
                if isinstance(i.target, QuizSource) and not i.required]
    assert any(q.type_id == "essay" for quiz in optional for q in quiz.questions)


# Answers a learner might type that are wrong (or, for 职级客户, only half right): none may
# get full marks. Every short-answer question and every typed cloze gap needs a list here.
WRONG_TYPED_ANSWERS: dict[tuple[str, int], list[str]] = {
    ("condition-customer-1", 0): ["任务客户", "不是条件客户", "职级客户", "职能客户",
                                  "工序客户", "条件", "客户"],
    ("pyramid-cloze-1", 2): ["中层领导", "一线领导", "中层管理者", "一线员工", "外部客户",
                             "领导", "员工", "基层领导"],
    ("principles-cloze-1", 0): ["不看需求", "制度", "流程", "领导", "自己的需求", "需"],
    ("principles-cloze-1", 2): ["接力", "交接", "接力赛", "不接力棒"],
    ("principles-cloze-1", 3): ["不提前", "提前", "提前量不重要", "时间", "余量"],
}


def typed_gaps(sources: list[CourseSource]) -> dict[tuple[str, int], tuple[str, dict]]:
    gaps = {}
    for quiz in quizzes(sources):
        for question in quiz.questions:
            if question.type_id == "short_answer":
                gaps[(question.key, 0)] = ("short_answer", question.data)
            if question.type_id == "cloze":
                for index, gap in enumerate(question.data["gaps"]):
                    if gap["kind"] == "short":
                        gaps[(question.key, index)] = ("gap", gap)
    return gaps


def test_no_wrong_typed_answer_gets_full_marks(sources):
    gaps = typed_gaps(sources)
    assert set(gaps) == set(WRONG_TYPED_ANSWERS)  # a new typed gap needs its wrong answers
    for where, (kind, data) in gaps.items():
        for wrong in WRONG_TYPED_ANSWERS[where]:
            if kind == "short_answer":
                fraction = REGISTRY["short_answer"].grade(data, wrong).fraction
            else:
                fraction = grade_gap(data, wrong).fraction
            assert fraction < 1.0, (where, wrong)


def test_the_wrong_answer_lists_are_not_vacuous(sources):
    # Each list's question still accepts its right answer, so the lists test real gaps.
    for where, (kind, data) in typed_gaps(sources).items():
        best = max(data["answers"], key=lambda a: a["weight"])["text"]
        if kind == "short_answer":
            assert REGISTRY["short_answer"].grade(data, best).fraction == 1.0, where
        else:
            assert grade_gap(data, best).fraction == 1.0, where


NEW_LESSONS = {"career-stakes", "measuring-satisfaction", "johari-window-and-direction",
               "internal-supply-chain", "service-mindset"}


def test_new_lessons_open_with_objectives_and_close_with_a_summary(sources):
    lessons = {i.target.slug: i.target.body for s in sources for i in s.items
               if not isinstance(i.target, QuizSource)}
    assert set(lessons) >= NEW_LESSONS
    for slug in NEW_LESSONS:
        body = lessons[slug]
        assert body.startswith('!!! note "学习目标"'), slug
        last = body.rstrip().rsplit("\n!!! ", 1)[-1]
        assert last.startswith('tip "本课小结"'), slug
