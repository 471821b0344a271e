"""Line differences between two texts, as hunks of changed lines with a little context.

Lessons and question revisions are short, but a one-word edit in a long lesson
should not show the whole file: only the changed lines and CONTEXT lines around them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

CONTEXT = 3


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str
    old_number: int | None  # line number in the old text (None for an added line)
    new_number: int | None  # line number in the new text (None for a removed line)


@dataclass(frozen=True)
class Hunk:
    old_start: int  # 1-based first line of the old text shown
    new_start: int
    lines: tuple[DiffLine, ...]

    @property
    def new_end(self) -> int:
        numbers = [line.new_number for line in self.lines if line.new_number is not None]
        return max(numbers, default=self.new_start)


def diff_hunks(old: str, new: str, context: int = CONTEXT) -> list[Hunk]:
    """The changed regions of `new` against `old`; [] when the texts are equal."""
    a, b = old.splitlines(), new.splitlines()
    hunks = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        lines: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("same", a[i], i + 1, j + 1)
                          for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
                continue
            if tag in ("replace", "delete"):
                lines += [DiffLine("removed", a[i], i + 1, None) for i in range(i1, i2)]
            if tag in ("replace", "insert"):
                lines += [DiffLine("added", b[j], None, j + 1) for j in range(j1, j2)]
        first = group[0]
        hunks.append(Hunk(first[1] + 1, first[3] + 1, tuple(lines)))
    return hunks
