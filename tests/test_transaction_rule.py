"""Services own the transaction (docs/development.md): no route module commits or rolls
back, and no route passes a service a `commit=` flag."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("accounts", "api", "audit", "authoring", "courses", "quizzes", "reports",
            "rollouts", "surveys", "demo")


def route_modules() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).glob("*.py")
                  if path.name == "routes.py" or path.name.endswith("_routes.py")
                  or path.name in {"http.py", "admin.py", "assignments.py"})


def transaction_calls(source: str) -> list[str]:
    """'line N: what' for each commit/rollback call and each commit= keyword."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if name.endswith((".commit", ".rollback")) and "session" in name:
                found.append(f"line {node.lineno}: {name}()")
            found += [f"line {node.lineno}: {name}(commit=...)"
                      for keyword in node.keywords if keyword.arg == "commit"]
    return found


def test_the_check_finds_a_route_that_commits():
    source = "def view():\n    db.session.commit()\n    service.save(x, commit=True)\n"
    assert transaction_calls(source) == ["line 2: db.session.commit()",
                                         "line 3: service.save(commit=...)"]


def test_no_route_commits_or_rolls_back():
    modules = route_modules()
    assert len(modules) > 10  # the routes are where this test looks
    offences = {str(path.relative_to(ROOT)): calls for path in modules
                if (calls := transaction_calls(path.read_text(encoding="utf-8")))}
    assert offences == {}
