"""Item analysis and attempt pages show matching and ordering answers as text."""

from types import SimpleNamespace

from reports.mastery import _right, answer_label

MATCHING = SimpleNamespace(type_id="matching", data={
    "pairs": [{"left": "销售", "right": "客户需求"}, {"left": "采购", "right": "交期"}],
    "distractors": ["预算"]})
ORDERING = SimpleNamespace(type_id="ordering", data={"items": ["确认", "交接", "跟进"]})


def test_matching_reads_left_to_right_and_knows_the_right_pairing():
    assert answer_label(MATCHING, [1, 2]) == "销售 → 交期; 采购 → 预算"
    assert answer_label(MATCHING, [0, None]) == "销售 → 客户需求; 采购 → —"
    assert _right(MATCHING, [0, 1]) and not _right(MATCHING, [1, 0])


def test_ordering_reads_as_a_sequence():
    assert answer_label(ORDERING, [1, 0, 2]) == "交接 → 确认 → 跟进"
    assert _right(ORDERING, [0, 1, 2]) and not _right(ORDERING, [1, 0, 2])
