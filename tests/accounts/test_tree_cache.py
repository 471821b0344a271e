"""Each app keeps the department tree it built until the departments' change count moves
(accounts/tree.py): a report page does not rebuild 2,500 departments, and never shows a
tree older than the last committed change, on any app sharing the database."""

from __future__ import annotations

from sqlalchemy import update

from accounts.models import Department
from accounts.tree import department_tree, note_departments_changed
from extensions import db
from tests.statements import statements_run


def names(tree) -> set[str]:
    return {node.name for node in tree.nodes.values()}


def test_the_tree_is_built_once_until_a_department_changes(app, make):
    sales = make.department("sales")
    first = department_tree()
    with statements_run() as statements:
        again = department_tree()
    assert again is first
    assert len(statements) == 1 and "department_tree_version" in statements[0]

    sales.name = "Sales and service"
    db.session.commit()
    renamed = department_tree()
    assert renamed is not first and "Sales and service" in names(renamed)
    make.department("east", parent=sales)
    assert len(department_tree().nodes) == 2


def test_a_change_rolled_back_is_never_kept(app, make):
    sales = make.department("sales")
    department_tree()
    sales.name = "Renamed, then rolled back"
    db.session.flush()
    assert "Renamed, then rolled back" in names(department_tree())  # the transaction's own view
    db.session.rollback()
    # the next committed change brings the count to what the rolled-back one had
    sales = db.session.get(Department, sales.id)
    sales.code = "sales-1"
    db.session.commit()
    assert names(department_tree()) == {"Sales"}


def test_a_bulk_write_past_the_orm_counts_when_it_says_so(app, make):
    sales = make.department("sales")
    department_tree()
    db.session.execute(update(Department).where(Department.id == sales.id)
                       .values(name="Written in bulk"))
    note_departments_changed()
    db.session.commit()
    assert "Written in bulk" in names(department_tree())


def test_another_app_on_the_same_database_sees_the_change(app_factory):
    from tests.factories import Factories

    one, two = app_factory(), app_factory()
    with one.app_context():
        Factories().department("sales")
        assert names(department_tree()) == {"Sales"}
        cached = department_tree()
    with two.app_context():
        department = db.session.scalar(db.select(Department))
        department.name = "Renamed elsewhere"
        db.session.commit()
    with one.app_context():
        fresh = department_tree()
        assert fresh is not cached and names(fresh) == {"Renamed elsewhere"}
