"""Putting posted values back into a rendered question: every kind of control."""

from werkzeug.datastructures import MultiDict

from quizzes.refill import refill

FRAGMENT = """<input type="text" id="q1" name="q1" value="12" autocomplete="off">
<input type="hidden" name="seq-1" value="3"><input type="text" name="q10" value="keep">
<select id="q2-0" name="q2-0"><option value="">Position…</option>
<option value="1" selected>1</option><option value="2">2</option></select>
<input type="radio" name="q3" value="0" checked><input type="radio" name="q3" value="1">
<input type="checkbox" name="q4" value="0"><input type="checkbox" name="q4" value="1" checked>
<input type="checkbox" name="q4" value="2">
<textarea id="q5" name="q5" rows="3">old text</textarea>"""
POSTED = MultiDict([("q1", 'ab"<c>&'), ("q2-0", "2"), ("q3", "1"), ("q4", "0"), ("q4", "2"),
                    ("q5", "new <b>text</b>"), ("q10", "changed"), ("seq-1", "9")])


def refilled(*prefixes: str) -> str:
    html = FRAGMENT
    for prefix in prefixes:
        html = refill(html, POSTED.getlist, prefix)
    return str(html)


def test_each_kind_of_control_shows_what_was_posted():
    html = refilled("q1", "q2", "q3", "q4", "q5")
    assert 'name="q1" value="ab&#34;&lt;c&gt;&amp;" autocomplete="off">' in html
    assert '<option value="1">1</option><option value="2" selected>2</option>' in html
    assert '<input type="radio" name="q3" value="0"><input type="radio" name="q3" value="1" ' \
           'checked>' in html
    assert 'name="q4" value="0" checked>' in html and 'name="q4" value="1">' in html
    assert 'name="q4" value="2" checked>' in html
    assert '<textarea id="q5" name="q5" rows="3">new &lt;b&gt;text&lt;/b&gt;</textarea>' in html


def test_other_questions_and_hidden_fields_are_left_alone():
    html = refilled("q1")
    assert 'name="q10" value="keep"' in html  # q1's prefix is not q10's
    assert 'name="seq-1" value="3"' in html
    assert '<option value="1" selected>' in html and "old text" in html


def test_a_field_posted_empty_or_not_at_all_shows_empty():
    html = str(refill(FRAGMENT, MultiDict().getlist, "q3"))
    assert "checked" not in html.split('name="q4"')[0].split('name="q3"', 1)[1]
    assert 'value="12"' in str(refill(FRAGMENT, MultiDict().getlist, "q2"))
    assert 'name="q1" value=""' in str(refill(FRAGMENT, MultiDict().getlist, "q1"))
