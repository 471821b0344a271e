"""The two errors of the question-type contract (quizzes.types.base).

They sit apart from the contract so the editor forms (quizzes.types.forms), which the
contract names, can catch them without importing the contract back.
"""

from __future__ import annotations


class QuestionDataError(ValueError):
    """Question ``data`` breaks its type's rules; ``field`` is a dotted path."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


class AnswerError(ValueError):
    """A submitted answer that the question's own form could not have produced."""
