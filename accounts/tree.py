"""The department tree: what lies below (and above) a department, walked in one place.

Every question about the hierarchy (a report's subtree, an assignment reaching the
teams below, a head's scope, a picker's indentation) asks a `Tree`, built from one
query over the departments (hundreds, not millions of rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from accounts.models import Department, TreeVersion
from change_count import ChangeCount
from extensions import db

EXTENSION = "relay_department_tree"  # app.extensions: (version, Tree)
DEPARTMENTS = ChangeCount("departments", TreeVersion, lambda: (Department,))


@dataclass
class Node:
    id: int
    code: str
    name: str
    parent_id: int | None
    head_id: int | None
    children: list[int] = field(default_factory=list)


@dataclass
class Tree:
    nodes: dict[int, Node]
    roots: list[int]

    def subtree(self, root: int) -> list[int]:
        """What is below this department: the department and everything below it,
        depth first, children by name (empty for an unknown department)."""
        found, seen, stack = [], set(), [root]
        while stack:
            current = stack.pop()
            if current in seen or current not in self.nodes:
                continue
            seen.add(current)
            found.append(current)
            stack.extend(reversed(self.nodes[current].children))
        return found

    def subtree_depths(self, root: int) -> list[tuple[int, int]]:
        """subtree(root) with each department's depth below the root, in one walk (a
        picker indents 2,500 departments; asking each for its ancestors cost more)."""
        found, seen, stack = [], set(), [(root, 0)]
        while stack:
            current, depth = stack.pop()
            if current in seen or current not in self.nodes:
                continue
            seen.add(current)
            found.append((current, depth))
            stack.extend((child, depth + 1) for child in reversed(self.nodes[current].children))
        return found

    def ancestors(self, department_id: int) -> list[int]:
        """Parents up to the root, nearest first (the department itself excluded)."""
        chain: list[int] = []
        current = self.nodes[department_id].parent_id if department_id in self.nodes else None
        while current is not None and current not in chain and current in self.nodes:
            chain.append(current)
            current = self.nodes[current].parent_id
        return chain


def department_tree() -> Tree:
    """The tree as it is now. Each app keeps the one it built, and builds again when the
    departments' change count (TreeVersion) has moved: 2,500 departments cost about
    20 ms to build, on every report page. Read-only: callers never change it."""
    session = db.session()
    version = DEPARTMENTS.current(session)
    # no count (a database made without the migrations), or this transaction changed
    # departments it may yet roll back: build, and keep nothing
    cacheable = version is not None and not DEPARTMENTS.changed_here(session)
    cached = current_app.extensions.get(EXTENSION)
    if cacheable and cached is not None and cached[0] == version:
        return cached[1]
    tree = _build()
    if cacheable:
        current_app.extensions[EXTENSION] = (version, tree)
    return tree


def _build() -> Tree:
    rows = db.session.execute(select(Department.id, Department.code, Department.name,
                                     Department.parent_id, Department.head_id)).all()
    nodes = {row.id: Node(row.id, row.code, row.name, row.parent_id, row.head_id)
             for row in rows}
    roots = []
    for node in sorted(nodes.values(), key=lambda n: (n.name, n.code)):
        if node.parent_id in nodes:
            nodes[node.parent_id].children.append(node.id)
        else:
            roots.append(node.id)
    return Tree(nodes, roots)


def note_departments_changed() -> None:
    """Count a change to the departments, in the caller's transaction: for bulk writers
    that bypass the ORM (ORM changes are counted by a flush listener: change_count)."""
    DEPARTMENTS.note_changed(db.session())
