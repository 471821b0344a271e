"""The review: each answer beside the right one, marked, in the learner's language."""

from __future__ import annotations

import re

import pytest

from extensions import db
from quizzes import essays, service
from quizzes.models import Attempt
from quizzes.types import get_type

# --- what each type's review holds (no app) ---------------------------------------


def review(type_id, data, answer, order=None):
    qtype = get_type(type_id)
    return qtype.review_context(qtype.validate(data), answer, order)


def test_single_choice_marks_the_choice_and_the_right_option_in_the_order_shown():
    data = {"options": [{"text": t, "correct": t == "A"} for t in "ABC"]}
    got = review("single_choice", data, 2, order=[2, 0, 1])
    assert got == {"kind": "choices", "options": [
        {"text": "C", "chosen": True, "correct": False},
        {"text": "A", "chosen": False, "correct": True},
        {"text": "B", "chosen": False, "correct": False}]}
    unanswered = review("single_choice", data, None)["options"]
    assert not any(o["chosen"] for o in unanswered) and unanswered[0]["correct"]


def test_multiple_response_marks_every_tick_and_every_positive_option():
    data = {"options": [{"text": "A", "weight": 50}, {"text": "B", "weight": 50},
                        {"text": "C", "weight": -100}]}
    options = review("multiple_response", data, [0, 2])["options"]
    assert [(o["chosen"], o["correct"]) for o in options] == [
        (True, True), (False, True), (True, False)]


def test_true_false_speaks_the_ui_language_not_python():
    options = review("true_false", {"answer": False}, True)["options"]
    assert [str(o["text"]) for o in options] == ["True", "False"]  # lazy: 对 / 错 in zh-CN
    assert [(o["chosen"], o["correct"]) for o in options] == [(True, False), (False, True)]
    assert get_type("true_false").correct_answer({"answer": True}) == "True"  # not repr(True)


@pytest.mark.parametrize(("answers", "display", "expected", "by_pattern"), [
    ([{"text": "*条件客户*", "weight": 100}], "", "条件客户", True),
    ([{"text": "内部客户", "weight": 100}], "", "内部客户", False),
    ([{"text": "*条件客户*", "weight": 100}], "有条件的客户", "有条件的客户", False),
    ([{"text": "*", "weight": 100}], "", "", True),  # nothing to show: "marked by pattern"
    ([{"text": "5\\*", "weight": 100}], "", "5*", False),  # an escaped star is literal
])
def test_short_answer_never_shows_a_raw_pattern(answers, display, expected, by_pattern):
    data = {"answers": answers, **({"display": display} if display else {})}
    got = review("short_answer", data, "条件")
    assert got == {"kind": "text", "given": "条件", "expected": expected,
                   "by_pattern": by_pattern}


def test_short_answer_display_is_optional_and_kept_out_when_empty():
    qtype = get_type("short_answer")
    plain = {"answers": [{"text": "甲", "weight": 100, "feedback": "", "misconception": None}]}
    assert qtype.validate({**plain, "display": ""}) == plain  # older revisions stay equal
    assert qtype.validate({**plain, "display": " 甲方 "})["display"] == "甲方"


def test_matching_and_ordering_show_the_learners_pairs_and_order_beside_the_right_ones():
    match = {"pairs": [{"left": "销售", "right": "订单"}, {"left": "财务", "right": "报销"}],
             "distractors": ["咖啡"]}
    rows = review("matching", match, [2, None])["rows"]
    assert rows == [
        {"label": "销售", "given": "咖啡", "expected": "订单", "right": False},
        {"label": "财务", "given": None, "expected": "报销", "right": False}]
    order = review("ordering", {"items": ["一", "二", "三"]}, [0, 2, 1])["rows"]
    assert [(r["label"], r["given"], r["expected"], r["right"]) for r in order] == [
        (1, "一", "一", True), (2, "三", "二", False), (3, "二", "三", False)]
    assert all(r["given"] is None for r in review("ordering", {"items": ["一", "二", "三"]},
                                                  None)["rows"])


def test_cloze_reviews_each_gap_and_hides_short_gap_patterns():
    data = {"text": "{{1}} 和 {{2}}", "gaps": [
        {"kind": "choice", "options": [{"text": "甲", "correct": True},
                                       {"text": "乙", "correct": False}]},
        {"kind": "short", "answers": [{"text": "*确认*", "weight": 100}]}]}
    gaps = review("cloze", data, [1, "再确认一次"])["gaps"]
    assert gaps == [
        {"number": 1, "given": "乙", "expected": "甲", "by_pattern": False, "right": False},
        {"number": 2, "given": "再确认一次", "expected": "确认", "by_pattern": True,
         "right": True}]
    assert [g["given"] for g in review("cloze", data, None)["gaps"]] == [None, None]


def test_numerical_and_essay_reviews():
    num = review("numerical", {"answers": [{"value": 3.5, "tolerance": 0.5, "weight": 100}]}, 4.0)
    assert num == {"kind": "text", "given": "4", "expected": "3.5 ± 0.5", "by_pattern": False}
    essay = review("essay", {"rubric": "要点一\n要点二"}, "我的回答")
    assert essay == {"kind": "essay", "given": "我的回答", "rubric": "要点一\n要点二"}


# --- the review page, in zh-CN, through HTTP ----------------------------------------

QUESTIONS = [
    {"key": "sc", "type": "single_choice", "prompt": "单选", "points": 1, "data": {"options": [
        {"text": "当面核对", "correct": True}, {"text": "发到群里", "correct": False}]}},
    {"key": "tf", "type": "true_false", "prompt": "判断", "points": 1, "data": {"answer": True}},
    {"key": "sa", "type": "short_answer", "prompt": "填空", "points": 1,
     "data": {"answers": [{"text": "*条件客户*", "weight": 100}]}},
    {"key": "mt", "type": "matching", "prompt": "配对", "points": 1, "data": {"pairs": [
        {"left": "销售", "right": "订单"}, {"left": "财务", "right": "报销"}]}},
    {"key": "or", "type": "ordering", "prompt": "排序", "points": 1,
     "data": {"items": ["提醒", "交接", "跟进"]}},
    {"key": "es", "type": "essay", "prompt": "论述", "points": 2,
     "data": {"rubric": "交接前：提醒对方\n交接后：确认可用"}},
    {"key": "mr", "type": "multiple_response", "prompt": "多选", "points": 1, "data": {"options": [
        {"text": "提前提醒", "weight": 50}, {"text": "当面核对", "weight": 50},
        {"text": "发完就走", "weight": -50}]}},
    {"key": "nu", "type": "numerical", "prompt": "数字", "points": 1,
     "data": {"answers": [{"value": 2, "weight": 100}]}},
    {"key": "cz", "type": "cloze", "prompt": "完形", "points": 1, "data": {
        "text": "交接时{{1}}，交接后{{2}}。", "gaps": [
            {"kind": "choice", "options": [{"text": "当面核对", "correct": True},
                                           {"text": "发到群里", "correct": False}]},
            {"kind": "short", "answers": [{"text": "*确认*", "weight": 100}]}]}},
]
ANSWERS = {"sc": 1, "tf": False, "sa": "内部客户", "mt": [1, 0], "or": None, "es": "我会当面交接。",
           "mr": [0, 2], "nu": 3.0, "cz": [1, "再确认一次"]}


@pytest.fixture
def reviewed(app, make, auth, client):
    """A submitted attempt in zh-CN: wrong answers, one unanswered, an essay to grade."""
    make.course("c", lessons=0, quizzes=[make.quiz_source("q", questions=QUESTIONS)])
    learner = make.user("l@example.com")
    learner.locale = "zh_CN"
    trainer = make.user("t@example.com", roles=("trainer",))
    auth.login("l@example.com")
    location = client.post("/quizzes/q/start").headers["Location"]
    attempt = db.session.get(Attempt, int(location.rsplit("/", 1)[1]))
    data = {"slots": ",".join(str(r.slot) for r in attempt.responses), "action": "submit"}
    for response in attempt.responses:
        key = response.revision.question.key
        data[f"seq-{response.slot}"] = "0"
        for name, values in service.form_values(attempt, response.slot, ANSWERS[key]).items():
            data[f"q{response.slot}-{name}" if name else f"q{response.slot}"] = values
    assert client.post(location, data=data).status_code == 302
    attempt = db.session.get(Attempt, attempt.id)
    slots = {r.revision.question.key: r for r in attempt.responses}
    return client, attempt, slots, trainer


def section(page: str, slot: int) -> str:
    start = page.index(f'id="question-{slot}"')
    return page[start:page.index("</section>", start)]


def test_review_page_in_chinese_marks_choices_and_says_unanswered(reviewed):
    client, attempt, slots, _ = reviewed
    page = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    choice = section(page, slots["sc"].slot)
    assert "不正确" in choice and "✗" in choice
    wrong = re.search(r'<li class="review-option chosen wrong">.*?</li>', choice, re.S).group(0)
    assert "发到群里" in wrong and "你的选择" in wrong and "✗" in wrong
    right = re.search(r'<li class="review-option correct">.*?</li>', choice, re.S).group(0)
    assert "当面核对" in right and "正确答案" in right and "你的选择" not in right
    unanswered = section(page, slots["or"].slot)
    assert "未作答" in unanswered and "不正确" not in unanswered


def test_review_page_speaks_true_false_and_hides_patterns(reviewed):
    client, attempt, slots, _ = reviewed
    page = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    true_false = section(page, slots["tf"].slot)
    assert "对" in true_false and "错" in true_false
    assert "True" not in page and "False" not in page
    short = section(page, slots["sa"].slot)
    assert "*条件客户*" not in page and "条件客户" in short and "可接受答案" in short
    assert "内部客户" in short  # the learner's own answer beside it


def test_review_page_marks_ticks_numbers_and_gaps(reviewed):
    client, attempt, slots, _ = reviewed
    page = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    ticks = section(page, slots["mr"].slot)
    assert "不正确" in ticks  # +50 and -50 make nothing
    assert re.search(r'chosen right">\s*<span class="mark right"[^>]*>✓</span>.*?提前提醒', ticks,
                     re.S)
    assert re.search(r'chosen wrong">\s*<span class="mark wrong"[^>]*>✗</span>.*?发完就走', ticks,
                     re.S)
    assert ticks.count("正确答案") == 2  # both positive options, the unticked one too
    number = section(page, slots["nu"].slot)
    assert "3" in number and "可接受答案" in number and ">2</span>" in number
    gaps = section(page, slots["cz"].slot)
    assert "第 1 空" in gaps and "第 2 空" in gaps
    assert "发到群里" in gaps and "当面核对" in gaps and "再确认一次" in gaps
    assert "*确认*" not in page and "部分正确" in gaps  # one gap of two right


def test_review_page_shows_pairs_and_order_beside_the_right_ones(reviewed):
    client, attempt, slots, _ = reviewed
    page = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    matching = section(page, slots["mt"].slot)
    assert "你的配对" in matching and "正确配对" in matching
    rows = re.findall(r"<tr class=\"(\w+)\">\s*<th scope=\"row\" lang=\"zh-CN\">(.*?)</th>"
                      r"\s*<td>.*?</span>\s*<span lang=\"zh-CN\">(.*?)</span></td>"
                      r"\s*<td class=\"correct\" lang=\"zh-CN\">(.*?)</td>", matching, re.S)
    assert rows == [("wrong", "销售", "报销", "订单"), ("wrong", "财务", "订单", "报销")]
    ordering = section(page, slots["or"].slot)
    assert "你的顺序" in ordering and "正确顺序" in ordering
    assert ordering.index("提醒") < ordering.index("交接") < ordering.index("跟进")
    assert ordering.count("未作答") == 4 and "✗" not in ordering  # the verdict and 3 rows


def test_essay_review_shows_the_marking_guide_with_its_line_breaks_then_the_grade(reviewed):
    client, attempt, slots, trainer = reviewed
    page = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    essay = section(page, slots["es"].slot)
    assert "评分要点" in essay and "等待培训师评分" in essay
    # one paragraph whose newline the stylesheet keeps (.marking-guide p: pre-line)
    assert "<p>交接前：提醒对方\n交接后：确认可用</p>" in essay
    assert "我会当面交接。" in essay
    essays.grade_response(slots["es"], 0.5, "**不错**", trainer)
    page = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    essay = section(page, slots["es"].slot)
    assert "已评分" in essay and "得分 1.0 / 2.0" in essay and "等待培训师评分" not in essay
    assert "<strong>不错</strong>" in essay  # the trainer's feedback, as Markdown
