"""A lesson shows where it sits: the outline, its step, previous and next; marking it
read says so and moves on (issue 14)."""

import re

from courses.assignment import assign_course
from extensions import db
from tests.statements import statements_run


def lesson_url(course, index: int) -> str:
    return f"/courses/{course.slug}/lessons/{course.items[index].id}"


def test_a_lesson_shows_its_step_the_outline_and_its_neighbours(make, auth, client):
    course = make.course("c", lessons=3, quizzes=[make.quiz_source("q")])
    make.user("l@example.com")
    auth.login("l@example.com")
    page = client.get(lesson_url(course, 1)).get_data(as_text=True)
    assert "Step 2 of 4" in page
    outline = re.search(r'<details class="lesson-outline" open.*?</details>', page, re.S).group(0)
    assert len(re.findall(r"<li", outline)) == 4
    assert '<span aria-current="step">Lesson 2</span>' in outline  # here, not a link
    assert f'href="{lesson_url(course, 0)}"' in outline and 'href="/quizzes/q"' in outline
    assert 'rel="prev"' in page and f'href="{lesson_url(course, 2)}" rel="next"' in page


def test_marking_read_says_so_and_opens_the_next_step(make, auth, client):
    team = make.department("sales")
    course = make.course("c", lessons=2)
    assign_course(course, team, due_days=14)
    make.user("l@example.com", department=team)
    db.session.commit()
    auth.login("l@example.com")
    client.get(lesson_url(course, 0))
    moved = client.post(f"{lesson_url(course, 0)}/read")
    assert moved.headers["Location"].endswith(lesson_url(course, 1))
    page = client.get(lesson_url(course, 1)).get_data(as_text=True)
    assert "Lesson marked as read. Next: Lesson 2" in page
    assert re.search(r'<li class="done">\s*<span class="status-dot" aria-hidden="true">✓', page)


def test_the_outline_costs_no_query_per_step(make, auth, client):
    counts = []
    for lessons in (2, 8):
        course = make.course(f"c{lessons}", lessons=lessons)
        make.user(f"l{lessons}@example.com")
        auth.login(f"l{lessons}@example.com")
        with statements_run() as run:
            assert client.get(lesson_url(course, 1)).status_code == 200
        counts.append(len(run))
    assert counts[0] == counts[1]
