"""The import graph stays layered (ARCHITECTURE.md): packages import only downward, so no
two packages import each other; no two modules import each other either (a loop between
modules hides behind an import inside a function just as well as at the top of a file);
and no package imports `app`, the factory that sits above them all.

Every import counts, including those inside functions and under `if TYPE_CHECKING:`. The
one exception is the composition root: a package's `__init__.py` importing its own
submodules to register them (blueprints, tables, the question-type registry) is how the
package is assembled, not a dependency of the submodule on its package, so the edges from
`pkg/__init__.py` to `pkg.*` are left out of the module graph.
"""

from __future__ import annotations

import ast
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# not part of the application: tests, Alembic revisions, benchmarks, standalone scripts
EXCLUDED_DIRS = frozenset({"tests", "migrations", "bench", "scripts", "docs", "node_modules"})


@dataclass(frozen=True)
class Edge:
    """`source` imports `target` at `path`:`line` (both are module names)."""

    source: str
    target: str
    path: str
    line: int

    def describe(self) -> str:
        return f"{self.path}:{self.line}: {self.source} imports {self.target}"


def find_modules(root: Path) -> dict[str, Path]:
    """Every application module under `root`: the top-level .py files and every module
    of each top-level package (a directory with an `__init__.py`), by dotted name."""
    modules: dict[str, Path] = {}
    for path in sorted(root.glob("*.py")):
        # a file no import can name (gunicorn.conf.py) goes by its file name
        modules[path.stem if path.stem.isidentifier() else path.name] = path
    for package in sorted(root.iterdir()):
        if (not package.is_dir() or package.name.startswith((".", "_"))
                or package.name in EXCLUDED_DIRS or not (package / "__init__.py").exists()):
            continue
        for path in sorted(package.rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _nearest_module(name: str, modules: dict[str, Path]) -> str | None:
    """The module that `import name` loads last: `name` itself, else its nearest known
    parent (`pkg.module.attribute` -> `pkg.module`); None for a third-party name."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _imported_names(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The absolute dotted names an import statement refers to, relative ones resolved."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = package[: len(package) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    # `from pkg import name`: `name` may be a submodule (then that is what is imported)
    # or an attribute of `pkg` (then `pkg` is)
    return [f"{source}.{alias.name}" if alias.name != "*" else source for alias in node.names]


def find_edges(root: Path, modules: dict[str, Path]) -> list[Edge]:
    """Every import between application modules, from anywhere in a module's body."""
    edges: set[Edge] = set()
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in _imported_names(node, module, is_package):
                target = _nearest_module(name, modules)
                if target is not None and target != module:
                    edges.add(Edge(module, target, str(path.relative_to(root)), node.lineno))
    return sorted(edges, key=lambda edge: (edge.path, edge.line, edge.target))


def unit_of(module: str) -> str:
    """The package a module belongs to (a top-level module is a unit of its own)."""
    return module if module.endswith(".py") else module.split(".")[0]


def is_registration(edge: Edge, modules: dict[str, Path]) -> bool:
    """`pkg/__init__.py` importing one of its own submodules (the composition root)."""
    return (modules[edge.source].name == "__init__.py"
            and edge.target.startswith(edge.source + "."))


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of nodes that reach each other (Tarjan), each with more than one node."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    nodes = sorted(set(graph) | {target for targets in graph.values() for target in targets})

    for start in nodes:
        if start in index:
            continue
        # iterative, so a long chain of modules cannot reach the recursion limit
        work: list[tuple[str, list[str]]] = []
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        work.append((start, sorted(graph.get(start, ()))))
        while work:
            node, pending = work[-1]
            if pending:
                target = pending.pop(0)
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, sorted(graph.get(target, ()))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups)


def shortest_loop(group: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One loop through the group's first node, as short as possible (for the message)."""
    start = group[0]
    members = set(group)
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in sorted(graph.get(node, ())):
            if target not in members:
                continue
            if target == start:
                loop = [node]
                while loop[-1] != start:
                    loop.append(came_from[loop[-1]])
                return [*reversed(loop), start]
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    return [*group, start]  # unreachable for a strongly connected group


@dataclass
class ImportGraph:
    modules: dict[str, Path]
    edges: list[Edge]

    @classmethod
    def of(cls, root: Path) -> ImportGraph:
        modules = find_modules(root)
        return cls(modules, find_edges(root, modules))

    def package_cycles(self) -> list[str]:
        """One report per group of packages that import each other."""
        cross = [edge for edge in self.edges if unit_of(edge.source) != unit_of(edge.target)]
        graph: dict[str, set[str]] = defaultdict(set)
        for edge in cross:
            graph[unit_of(edge.source)].add(unit_of(edge.target))
        return [self._report("packages", group, graph, cross, unit_of)
                for group in strongly_connected(graph)]

    def module_cycles(self) -> list[str]:
        """One report per group of modules that import each other (registration aside)."""
        kept = [edge for edge in self.edges if not is_registration(edge, self.modules)]
        graph: dict[str, set[str]] = defaultdict(set)
        for edge in kept:
            graph[edge.source].add(edge.target)
        return [self._report("modules", group, graph, kept, lambda module: module)
                for group in strongly_connected(graph)]

    def app_imports(self) -> list[str]:
        """Every import of the factory module `app` from a package."""
        return [edge.describe() for edge in self.edges
                if edge.target == "app" and len(Path(edge.path).parts) > 1]

    @staticmethod
    def _report(kind: str, group: list[str], graph: dict[str, set[str]], edges: list[Edge],
                node_of: Callable[[str], str]) -> str:
        """The shortest loop in the group, each step with the imports that make it."""
        loop = shortest_loop(group, graph)
        lines = [f"cycle between {kind}: {' -> '.join(loop)}"]
        for source, target in zip(loop, loop[1:], strict=False):
            lines += ["    " + edge.describe() for edge in edges
                      if node_of(edge.source) == source and node_of(edge.target) == target]
        others = sorted(set(group) - set(loop))
        if others:
            lines.append(f"    (more {kind} in the same tangle: {', '.join(others)})")
        return "\n".join(lines)

GRAPH = ImportGraph.of(ROOT)


def test_the_walk_sees_the_application():
    assert {"app", "extensions", "settings", "accounts.models", "quizzes.types.base"} \
        <= set(GRAPH.modules)
    assert not any(unit_of(module) in EXCLUDED_DIRS for module in GRAPH.modules)
    # imports inside functions count (reports' init_app connects to a courses signal)
    assert any(edge.source == "reports" and edge.target == "courses.signals"
               for edge in GRAPH.edges)


def test_no_two_packages_import_each_other():
    cycles = GRAPH.package_cycles()
    assert not cycles, "packages must import only downward:\n" + "\n".join(cycles)


def test_no_two_modules_import_each_other():
    cycles = GRAPH.module_cycles()
    assert not cycles, "modules import each other:\n" + "\n".join(cycles)


def test_no_package_imports_the_app_factory():
    offenders = GRAPH.app_imports()
    assert not offenders, ("no package imports `app` (take the app or a factory as an "
                           "argument instead):\n" + "\n".join(offenders))


# the detector itself, on a tree small enough to read


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root


def test_the_detector_finds_a_cycle_hidden_in_a_function(tmp_path):
    root = _write(tmp_path, {
        "app.py": "import lower\nimport upper\n",
        "lower/__init__.py": "from . import jobs  # registration\n",
        "lower/jobs.py": "def run():\n    from upper.service import report\n    return report\n",
        "upper/__init__.py": "",
        "upper/service.py": "\n\nfrom lower import jobs\nreport = jobs\n",
        "tests/test_x.py": "import upper\nimport lower\n",
    })
    graph = ImportGraph.of(root)

    assert "tests.test_x" not in graph.modules
    [packages] = graph.package_cycles()
    assert packages.splitlines() == [
        "cycle between packages: lower -> upper -> lower",
        "    lower/jobs.py:2: lower.jobs imports upper.service",
        "    upper/service.py:3: upper.service imports lower.jobs",
    ]
    [modules] = graph.module_cycles()
    assert modules.startswith("cycle between modules: lower.jobs -> upper.service -> lower.jobs")
    assert not graph.app_imports()


def test_the_detector_ignores_registration_and_nothing_else(tmp_path):
    root = _write(tmp_path, {
        "app.py": "",
        "pkg/__init__.py": "bp = object()\n\ndef init_app():\n    from pkg import routes\n",
        "pkg/routes.py": "from . import bp\n",
        "pkg/types/__init__.py": "from .base import Rule\nREGISTRY = {}\n",
        "pkg/types/base.py": ("from typing import TYPE_CHECKING\n\nclass Rule: ...\n\n"
                              "if TYPE_CHECKING:\n    from .forms import Form\n"),
        "pkg/types/forms.py": "from pkg.types.base import Rule\n",
        "pkg/worker.py": "def main():\n    import app\n",
    })
    graph = ImportGraph.of(root)

    # pkg.routes -> pkg is kept; pkg -> pkg.routes is the registration: no loop
    assert Edge("pkg.routes", "pkg", "pkg/routes.py", 1) in graph.edges
    assert not graph.package_cycles()
    [modules] = graph.module_cycles()
    assert modules.splitlines() == [
        "cycle between modules: pkg.types.base -> pkg.types.forms -> pkg.types.base",
        "    pkg/types/base.py:6: pkg.types.base imports pkg.types.forms",
        "    pkg/types/forms.py:1: pkg.types.forms imports pkg.types.base",
    ]
    assert graph.app_imports() == ["pkg/worker.py:2: pkg.worker imports app"]
