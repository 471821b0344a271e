from sqlalchemy import func, select

from accounts.models import User
from accounts.roster import RosterError, import_roster
from audit.models import AuditEntry
from courses.assignment import assign_course
from courses.models import Enrollment
from extensions import db

HEADER = "email,name,department,hire_date,roles\n"


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_roster_creates_and_updates_users(make):
    sales, finance = make.department("sales"), make.department("finance")
    course = make.course()
    assign_course(course, finance, due_days=10)
    result = import_roster(HEADER + "a@x.com,Ann,sales,2026-01-05,learner\n"
                                    "B@X.com,Bo,finance,,trainer learner\n")
    assert sorted(result.created) == ["a@x.com", "b@x.com"]
    bo = db.session.scalar(select(User).where(User.email == "b@x.com"))
    assert bo.role_set == {"trainer", "learner"} and bo.department_id == finance.id
    # a second import moves Ann to finance: a transfer, which brings finance's course
    result = import_roster(HEADER + "a@x.com,Ann,finance,2026-01-05,learner\n"
                                    "b@x.com,Bo,finance,,trainer learner\n")
    assert result.updated == ["a@x.com"] and result.unchanged == 1
    ann = db.session.scalar(select(User).where(User.email == "a@x.com"))
    assert ann.department_id == finance.id
    assert db.session.scalar(select(Enrollment).where(Enrollment.user_id == ann.id)) is not None
    assert sales.id != finance.id


def test_bad_rows_are_all_reported_and_nothing_is_written(make):
    make.department("sales")
    text = (HEADER + "ok@x.com,Ok,sales,2026-01-01,learner\n"
                     "bad-email,Name,sales,2026-01-01,learner\n"
                     "c@x.com,C,nowhere,2026-01-01,learner\n"
                     "d@x.com,D,sales,01/02/2026,wizard\n"
                     "ok@x.com,Again,sales,,\n")
    try:
        import_roster(text, source="roster.csv")
    except RosterError as error:
        messages = error.errors
    else:
        raise AssertionError("expected RosterError")
    joined = "\n".join(messages)
    assert "roster.csv: line 3: email" in joined
    assert "roster.csv: line 4: department: unknown code 'nowhere'" in joined
    assert "line 5: hire_date" in joined and "line 5: roles: unknown wizard" in joined
    assert "line 6: email ok@x.com also on line 2" in joined
    assert count(User) == 0


def test_missing_columns_are_named():
    try:
        import_roster("email,name\na@x.com,A\n")
    except RosterError as error:
        assert "missing column(s): department, hire_date, roles" in error.errors[0]
    else:
        raise AssertionError("expected RosterError")


def test_roster_cli_reports_lines_and_exit_code(runner, make, tmp_path):
    make.department("sales")
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + "a@x.com,A,ghost,,\n", encoding="utf-8")
    result = runner.invoke(args=["accounts", "import", str(path)])
    assert result.exit_code != 0
    assert "roster.csv: line 2: department: unknown code 'ghost'" in result.output
    path.write_text(HEADER + "a@x.com,A,sales,,\n", encoding="utf-8")
    result = runner.invoke(args=["accounts", "import", str(path)])
    assert result.exit_code == 0 and "created 1" in result.output


def test_role_changes_are_audited(make):
    make.department("sales")
    import_roster(HEADER + "a@x.com,Ann,sales,,learner\nc@x.com,Cy,sales,,hr\n")
    import_roster(HEADER + "a@x.com,Ann,sales,,trainer learner\nc@x.com,Cy,sales,,hr\n")
    entries = [e.summary for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "roles").order_by(AuditEntry.id))]
    assert entries == ["c@x.com: created as hr", "a@x.com: learner -> learner trainer"]


def roster_of(count_: int, department: str, prefix: str = "p") -> str:
    return HEADER + "".join(f"{prefix}{i}@x.com,P {i},{department},2026-01-05,\n"
                            for i in range(count_))


def row_writes(statements: list[str]) -> tuple[int, int]:
    """(INSERTs of a user or an enrollment, every other statement): the ORM inserts a
    row per statement where the driver cannot return many keys at once (SQLite)."""
    inserts = sum(s.lstrip().startswith(("INSERT INTO users", "INSERT INTO enrollments"))
                  for s in statements)
    return inserts, len(statements) - inserts


def test_a_roster_is_applied_in_bulk_not_row_by_row(make):
    """Lookups, enrollment checks and rollups run once per roster, not once per row (a
    1,000-row sync is allowed). bench/roster.py prints the time."""
    from accounts.preferences import school_defaults
    from tests.statements import statements_run

    company = make.department("co")
    sales = make.department("sales", parent=company)
    finance = make.department("finance", parent=company)
    school_defaults()  # the school's zone (for due dates) is read once per process, not per roster
    assign_course(make.course("everyone"), company, due_days=30)
    assign_course(make.course("numbers"), finance, due_days=10)
    runs = {}
    for rows in (5, 40):
        with statements_run() as statements:
            import_roster(roster_of(rows, "sales", prefix=f"n{rows}-"))
        runs[rows] = row_writes(statements)
    assert runs[40][1] == runs[5][1], runs  # the rest does not grow with the rows
    assert runs[40][0] <= 2 * 40  # at most one INSERT per user and per enrollment
    with statements_run() as statements:  # all 40 transfer to finance
        result = import_roster(roster_of(40, "finance", prefix="n40-"))
    inserts, others = row_writes(statements)
    assert len(result.updated) == 40 and inserts <= 40 and others <= runs[40][1] + 10
    moved = db.session.scalars(select(User).where(User.email.like("n40-%"))).all()
    assert {u.department_id for u in moved} == {finance.id}
    enrolled = db.session.execute(select(Enrollment.course_id, func.count()).join(
        User, User.id == Enrollment.user_id).where(User.email.like("n40-%"))
        .group_by(Enrollment.course_id)).all()
    assert sorted(n for _, n in enrolled) == [40, 40]  # everyone's course, and finance's
    assert sales.id != finance.id
    from reports.maintenance import check

    assert check() == []  # the HR rollups saw every bulk-written user and enrollment
    db.session.rollback()  # check() leaves its temporary table in the transaction


def test_people_a_roster_creates_have_no_password_until_invited(make):
    make.department("sales")
    import_roster(roster_of(3, "sales"))
    assert db.session.scalars(select(User.password_hash).where(
        User.email.like("p%@x.com"))).all() == [None, None, None]
