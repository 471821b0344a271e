"""Revision differences: changed hunks with a little context, never the whole text."""

import re

from authoring.diff import CONTEXT, diff_hunks
from tests.authoring.test_lessons import edit, first_lesson

LONG = [f"第 {n} 行" for n in range(1, 41)]


def test_one_changed_line_gives_one_hunk_with_context_on_each_side():
    new = list(LONG)
    new[19] = "改过的第 20 行"
    (hunk,) = diff_hunks("\n".join(LONG), "\n".join(new))
    kinds = [line.kind for line in hunk.lines]
    assert kinds == ["same"] * CONTEXT + ["removed", "added"] + ["same"] * CONTEXT
    assert (hunk.old_start, hunk.new_start, hunk.new_end) == (17, 17, 23)
    assert hunk.lines[CONTEXT].text == "第 20 行" and hunk.lines[CONTEXT + 1].new_number == 20


def test_distant_changes_are_separate_hunks_and_equal_texts_have_none():
    new = ["新的开头", *LONG[1:39], "新的结尾"]
    hunks = diff_hunks("\n".join(LONG), "\n".join(new))
    assert [(h.new_start, h.new_end) for h in hunks] == [(1, 4), (37, 40)]
    assert diff_hunks("a\nb", "a\nb") == []
    added_only = diff_hunks("", "one\ntwo")
    assert [line.kind for line in added_only[0].lines] == ["added", "added"]


def test_history_page_shows_only_the_hunk_one_line_per_line(make, as_trainer):
    course = make.course("c", lessons=1)
    lesson = first_lesson(course)
    edit(as_trainer, course, lesson, "\n".join(LONG), 1)
    changed = list(LONG)
    changed[29] = "改过的第 30 行"
    edit(as_trainer, course, lesson, "\n".join(changed), 2)
    page = as_trainer.get(f"/authoring/courses/c/lessons/{lesson.id}/history?a=2&b=3")
    text = page.get_data(as_text=True)
    diff = text[text.index('class="diff"'):text.index("</div>", text.index('class="diff"'))]
    assert "改过的第 30 行" in diff and "第 27 行" in diff and "第 33 行" in diff
    assert "第 26 行" not in diff and "第 1 行" not in diff and "第 40 行" not in diff
    assert "</span>\n<span" not in diff  # no newline between block lines: no double spacing
    assert re.search(r"Lines 27–33", diff)
