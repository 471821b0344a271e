"""Departments and users: pages, filters, roster sync in bulk, leavers."""

from datetime import date

from sqlalchemy import func, select

from accounts import service as accounts
from accounts.models import Department, User
from api.models import XapiStatement
from courses.assignment import assign_course
from courses.models import Enrollment, LessonProgress
from extensions import db
from quizzes.models import Attempt
from tests.api.conftest import read_all
from tests.factories import PASSWORD, answer_quiz
from tests.statements import statements_run


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_pages_cover_every_user_once_with_meta_and_links(api, make):
    emails = {make.user(f"u{i}@example.com").email for i in range(7)}
    first = api.get("/users?per_page=3")
    assert first.status_code == 200
    assert first.json["meta"] == {"page": 1, "per_page": 3, "total": 7, "pages": 3}
    assert first.json["links"]["prev"] is None
    seen, link = [], "/api/v1/users?per_page=3"
    while link:
        page = api.client.get(link, headers=api.headers).json
        seen += [u["email"] for u in page["data"]]
        link = page["links"]["next"]
    assert len(seen) == 7 and set(seen) == emails
    last = api.get("/users?per_page=3&page=3").json
    assert len(last["data"]) == 1 and last["links"]["next"] is None
    assert "page=2" in last["links"]["prev"]
    assert api.get("/users?per_page=3&page=9").json["data"] == []


def test_bad_page_parameters_are_400_with_the_field(api):
    for query in ("per_page=0", "per_page=201", "page=0", "page=x", "per_page=--3",
                  "active=yes", "role=boss", "include_subtree=1"):
        response = api.get(f"/users?{query}")
        assert response.status_code == 400, query
        error = response.json["error"]
        assert error["code"] == "invalid_parameter"
        assert error["details"][0]["field"] == query.split("=")[0]


def test_user_filters(api, make):
    company = make.department("co")
    sales = make.department("sales", parent=company)
    east = make.department("east", parent=sales)
    make.user("a@example.com", department=sales)
    make.user("b@example.com", department=east, roles=("learner", "trainer"))
    gone = make.user("c@example.com", department=company)
    gone.active = False
    db.session.commit()

    def emails(query: str) -> list[str]:
        return [u["email"] for u in api.get(f"/users?{query}").json["data"]]

    assert emails("department=sales") == ["a@example.com", "b@example.com"]
    assert emails("department=sales&include_subtree=false") == ["a@example.com"]
    assert emails("department=co&active=false") == ["c@example.com"]
    assert emails("role=trainer") == ["b@example.com"]
    assert emails("email=B@Example.com") == ["b@example.com"]
    assert emails("department=nowhere") == []
    user = api.get("/users?email=b@example.com").json["data"][0]
    assert user["department"] == "east" and user["roles"] == ["learner", "trainer"]
    assert api.get(f"/users/{user['id']}").json == user
    missing = api.get("/users/999999")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"


def test_roster_upsert_creates_updates_and_transfers(api, make):
    sales, finance = make.department("sales"), make.department("finance")
    course = make.course("finance-basics", lessons=1)
    assign_course(course, finance)
    make.user("kept@example.com", department=sales, roles=("learner", "trainer"),
              hire_date=date(2025, 1, 6))
    response = api.put("/users", {"users": [
        {"email": "New@Example.com", "name": "New Hire", "department": "sales",
         "hire_date": "2026-02-01", "roles": ["learner"]},
        {"email": "kept@example.com", "name": "Kept Person", "department": "finance"},
    ]})
    assert response.status_code == 200, response.json
    assert response.json == {"created": ["new@example.com"], "updated": ["kept@example.com"],
                             "unchanged": []}
    kept = accounts.get_user_by_email("kept@example.com")
    assert kept.department.code == "finance" and kept.name == "Kept Person"
    assert kept.role_set == {"learner", "trainer"}  # omitted roles are kept
    assert kept.hire_date == date(2025, 1, 6)  # omitted hire date is kept
    enrolled = db.session.scalar(select(Enrollment).where(Enrollment.user_id == kept.id))
    assert enrolled is not None and enrolled.course_id == course.id  # the transfer enrolled
    new = accounts.get_user_by_email("new@example.com")
    assert new.hire_date == date(2026, 2, 1) and new.password_hash is None
    again = api.put("/users", {"users": [
        {"email": "kept@example.com", "name": "Kept Person", "department": "finance"}]})
    assert again.json["unchanged"] == ["kept@example.com"]


def test_a_bad_row_writes_nothing_and_is_reported(api, make):
    make.department("sales")
    make.user("kept@example.com", name="Before")
    users_before = count(User)
    response = api.put("/users", {"users": [
        {"email": "ok@example.com", "name": "Fine", "department": "sales"},
        {"email": "kept@example.com", "name": "After", "department": "sales"},
        {"email": "not-an-email", "name": "Bad", "department": "nowhere",
         "roles": ["learner", "pilot"]},
        {"email": "ok@example.com", "name": "Twice", "department": "sales"},
        {"email": "x@example.com", "name": 5, "department": "sales", "shoe_size": 42},
    ]})
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_failed" and "nothing was written" in error["message"]
    found = {(d["index"], d["field"]) for d in error["details"]}
    assert found == {(2, "email"), (2, "department"), (2, "roles"), (3, "email"),
                     (4, "name"), (4, "shoe_size")}
    assert all(d["key"] == "not-an-email" for d in error["details"] if d["index"] == 2)
    db.session.expire_all()
    assert count(User) == users_before
    assert accounts.get_user_by_email("ok@example.com") is None
    assert accounts.get_user_by_email("kept@example.com").name == "Before"


def test_malformed_bodies_are_refused(api):
    assert api.put("/users", {"people": []}).status_code == 422
    assert api.put("/users", {"users": []}).status_code == 422
    assert api.put("/users", {"users": [None]}).json["error"]["details"][0]["index"] == 0
    not_json = api.client.put("/api/v1/users", data="users", headers=api.headers,
                              content_type="text/plain")
    assert not_json.status_code == 415
    assert not_json.json["error"]["code"] == "unsupported_media_type"
    broken = api.client.put("/api/v1/users", data="{", headers=api.headers,
                            content_type="application/json")
    assert broken.status_code == 400 and broken.json["error"]["code"] == "invalid_json"


def test_leavers_keep_their_history(api, make, client):
    team = make.department("ops")
    course = make.course("c", lessons=1, quizzes=[make.quiz_source("q")])
    assign_course(course, team)
    learner = make.user("leaver@example.com", department=team)
    read_all(learner, course)
    answer_quiz(learner, "q", correct=True)
    history = (count(Enrollment), count(LessonProgress), count(Attempt), count(XapiStatement))

    response = api.post(f"/users/{learner.id}/deactivate")
    assert response.status_code == 200 and response.json["active"] is False
    assert api.post(f"/users/{learner.id}/deactivate").status_code == 200  # idempotent
    db.session.expire_all()
    assert (count(Enrollment), count(LessonProgress), count(Attempt),
            count(XapiStatement)) == history
    assert client.post("/login", data={"email": "leaver@example.com", "password": PASSWORD}
                       ).status_code == 200  # the form again: not signed in
    transcript = api.get(f"/users/{learner.id}/transcript").json
    assert transcript["user"]["active"] is False
    assert transcript["courses"][0]["status"] == "completed"
    enrollments = api.get(f"/enrollments?user_id={learner.id}").json["data"]
    assert [e["status"] for e in enrollments] == ["completed"]
    assert [u["email"] for u in api.get("/users?active=false").json["data"]] == [
        "leaver@example.com"]
    later = make.course("later", lessons=1)
    assign_course(later, team)  # assigned after they left: not enrolled
    assert count(Enrollment) == history[0]


def test_leaver_in_a_roster_upsert_and_rehire(api, make):
    team = make.department("ops")
    course = make.course("c", lessons=1)
    make.user("leaver@example.com", department=team)
    gone = api.put("/users", {"users": [
        {"email": "leaver@example.com", "name": "Leaver", "department": "ops",
         "active": False}]})
    assert gone.json["updated"] == ["leaver@example.com"]
    user = accounts.get_user_by_email("leaver@example.com")
    assert user.active is False and user.session_version == 2
    assign_course(course, team)
    assert count(Enrollment) == 0
    back = api.put("/users", {"users": [
        {"email": "leaver@example.com", "name": "Leaver", "department": "ops",
         "active": True}]})
    assert back.json["updated"] == ["leaver@example.com"]
    assert count(Enrollment) == 1  # rejoining brings the department's courses


def test_departments_upsert_with_parents_in_the_same_request(api, make):
    make.department("co", "Company")
    response = api.put("/departments", {"departments": [
        {"code": "east", "name": "East", "parent": "sales"},
        {"code": "sales", "name": "Sales", "parent": "co"},
        {"code": "co", "name": "The Company"},
    ]})
    assert response.status_code == 200, response.json
    assert response.json == {"created": ["east", "sales"], "updated": ["co"], "unchanged": []}
    listed = {d["code"]: d for d in api.get("/departments").json["data"]}
    assert listed["east"]["parent"] == "sales" and listed["sales"]["parent"] == "co"
    assert [d["code"] for d in api.get("/departments?parent=co").json["data"]] == ["sales"]
    assert api.get("/departments/east").json["name"] == "East"
    assert api.get("/departments/nope").status_code == 404


def test_departments_upsert_refuses_cycles_and_unknown_parents(api, make):
    co = make.department("co")
    make.department("sales", parent=co)
    response = api.put("/departments", {"departments": [
        {"code": "co", "name": "Company", "parent": "sales"},
        {"code": "x", "name": "X", "parent": "ghost"},
    ]})
    assert response.status_code == 422
    assert {(d["index"], d["field"]) for d in response.json["error"]["details"]} == {
        (1, "parent")}
    cycle = api.put("/departments", {"departments": [
        {"code": "co", "name": "Company", "parent": "sales"}]})
    assert cycle.status_code == 422
    assert "ancestor" in cycle.json["error"]["details"][0]["message"]
    db.session.expire_all()
    assert db.session.scalar(select(Department).where(Department.code == "co")).parent_id is None
    assert count(Department) == 2


def test_roster_sync_cannot_grant_or_touch_admin(api, make):
    # An HR system's token must not be a way into the admin area.
    make.department("sales")
    boss = make.user("boss@example.com", roles=("admin",))
    learner = make.user("lin@example.com")
    response = api.put("/users", {"users": [
        {"email": "lin@example.com", "name": "Lin", "department": "sales",
         "roles": ["learner", "admin"]},
        {"email": "boss@example.com", "name": "Boss", "department": "sales",
         "active": False},
        {"email": "coach@example.com", "name": "Coach", "department": "sales",
         "roles": ["trainer"]},
    ]})
    assert response.status_code == 422
    found = {(d["index"], d["field"]) for d in response.json["error"]["details"]}
    assert found == {(0, "roles"), (1, "email")}
    refused = api.post(f"/users/{boss.id}/deactivate", {})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "admin_account"
    db.session.expire_all()
    assert not learner.has_role("admin") and boss.active
    assert accounts.get_user_by_email("coach@example.com") is None  # all or nothing


def test_a_roster_sync_looks_its_users_up_together_not_row_by_row(api, make):
    sales = make.department("sales")
    for i in range(40):
        make.user(f"p{i}@example.com", department=sales)
    rows = [{"email": f"p{i}@example.com", "name": f"Person {i}", "department": "sales",
             "active": i % 2 == 0} for i in range(40)]
    with statements_run() as statements:
        response = api.put("/users", {"users": rows})
    assert response.status_code == 200, response.json
    assert len(response.json["updated"]) == 40  # renamed; half also deactivated
    lookups = ["batch" if "users.email IN" in s else "one" for s in statements
               if s.lstrip().startswith("SELECT") and ("users.email IN" in s
                                                      or "users.email =" in s)]
    assert lookups == ["batch"]
    db.session.expire_all()
    assert not accounts.get_user_by_email("p1@example.com").active


def test_a_departments_parent_omitted_is_kept_null_moves_it_to_the_top(api, make):
    co = make.department("co", "Company")
    make.department("sales", "Sales", parent=co)
    renamed = api.put("/departments", {"departments": [{"code": "sales", "name": "Sales EU"}]})
    assert renamed.json["updated"] == ["sales"]
    assert api.get("/departments/sales").json["parent"] == "co"  # omitted: kept

    empty = api.put("/departments", {"departments": [
        {"code": "sales", "name": "Sales", "parent": ""},
        {"code": "new", "name": "New", "parent": "  "}]})
    assert empty.status_code == 422
    details = empty.json["error"]["details"]
    assert {(d["index"], d["field"]) for d in details} == {(0, "parent"), (1, "parent")}
    assert "null" in details[0]["message"]
    kept = api.get("/departments/sales").json
    assert (kept["name"], kept["parent"]) == ("Sales EU", "co")

    top = api.put("/departments", {"departments": [
        {"code": "sales", "name": "Sales EU", "parent": None},
        {"code": "fresh", "name": "Fresh"}]})
    assert top.json == {"created": ["fresh"], "updated": ["sales"], "unchanged": []}
    assert api.get("/departments/sales").json["parent"] is None
    assert api.get("/departments/fresh").json["parent"] is None
    spec = api.get("/openapi.json").json
    parent = spec["components"]["schemas"]["DepartmentInput"]["properties"]["parent"]
    assert parent["minLength"] == 1 and "null: move to the top" in parent["description"]


def test_null_roles_or_active_are_refused_not_taken_as_kept(api, make):
    make.department("sales")
    make.user("lin@example.com", roles=("learner", "hr"))
    response = api.put("/users", {"users": [
        {"email": "lin@example.com", "name": "Lin", "department": "sales", "roles": None},
        {"email": "new@example.com", "name": "New", "department": "sales", "active": None}]})
    assert response.status_code == 422
    assert {(d["index"], d["field"]) for d in response.json["error"]["details"]} == {
        (0, "roles"), (1, "active")}
    db.session.expire_all()
    assert accounts.get_user_by_email("lin@example.com").role_set == {"learner", "hr"}
    assert accounts.get_user_by_email("new@example.com") is None
