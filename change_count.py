"""Change counts: a one-row table whose number moves in every transaction that changes
some kinds of rows, so that each process may keep what it built from those rows (the
department tree, the published outlines) for as long as the number stays.

The number moves in the changing transaction itself, so a kept value never outlives a
committed change: a flush listener counts ORM changes, and a writer that goes past the
ORM calls `note_changed()`. A transaction that has changed the rows builds without
keeping what it built, since it may yet roll back (`changed_here`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session


class ChangeCount:
    """The count kept in `model` (columns id, always 1, and version) of the changes to
    the classes `watched()` names (a callable: they may be reached only through
    relationships, which are set up after import)."""

    def __init__(self, name: str, model: Any, watched: Callable[[], tuple[type, ...]]) -> None:
        self.model, self.watched = model, watched
        self.flag = f"relay_{name}_changed"  # session.info: changed in this transaction
        event.listen(Session, "before_flush", self._count_flush)
        event.listen(Session, "after_commit", self._transaction_over)
        event.listen(Session, "after_rollback", self._transaction_over)

    def current(self, session: Session) -> int | None:
        """The number now (None in a database made without the migrations)."""
        return session.scalar(select(self.model.version).where(self.model.id == 1))

    def changed_here(self, session: Session) -> bool:
        return bool(session.info.get(self.flag))

    def note_changed(self, session: Session) -> None:
        """Count a change in the session's transaction (for writers past the ORM)."""
        session.info[self.flag] = True
        counted = session.execute(update(self.model).where(self.model.id == 1)
                                  .values(version=self.model.version + 1))
        if counted.rowcount == 0:  # type: ignore[attr-defined]  # DML results have rowcount
            session.add(self.model(id=1, version=1))

    def _count_flush(self, session: Session, _context: Any, _instances: Any) -> None:
        watched = self.watched()
        if any(isinstance(o, watched) for o in (*session.new, *session.deleted)) or any(
                isinstance(o, watched) and session.is_modified(o, include_collections=False)
                for o in session.dirty):
            self.note_changed(session)

    def _transaction_over(self, session: Session) -> None:
        session.info.pop(self.flag, None)
