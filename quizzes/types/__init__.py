"""The question-type registry.

Each type is a class in its own module. The built-in ones are imported and
registered explicitly below, so the set of types never depends on import
side effects elsewhere. ``get_type("single_choice")`` returns the instance.
"""

from __future__ import annotations

from quizzes.types.base import AnswerError, Grade, QuestionDataError, QuestionType
from quizzes.types.cloze import Cloze
from quizzes.types.essay import Essay
from quizzes.types.matching import Matching
from quizzes.types.multiple_response import MultipleResponse
from quizzes.types.numerical import Numerical
from quizzes.types.ordering import Ordering
from quizzes.types.short_answer import ShortAnswer
from quizzes.types.single_choice import SingleChoice
from quizzes.types.true_false import TrueFalse

__all__ = [
    "REGISTRY",
    "AnswerError",
    "DuplicateQuestionType",
    "Grade",
    "QuestionDataError",
    "QuestionType",
    "UnknownQuestionType",
    "get_type",
    "register",
]

REGISTRY: dict[str, QuestionType] = {}


class DuplicateQuestionType(ValueError):
    """A second class claimed a type id that is already registered."""

    def __init__(self, type_id: str) -> None:
        super().__init__(f"question type {type_id!r} is already registered")
        self.type_id = type_id


class UnknownQuestionType(LookupError):
    """No registered type has this id."""

    def __init__(self, type_id: str) -> None:
        known = ", ".join(sorted(REGISTRY))
        super().__init__(f"unknown question type {type_id!r} (known: {known})")
        self.type_id = type_id


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Register a QuestionType subclass under its ``type_id``; usable as a decorator.

    The type's editor form (its ``form_class``, when it has its own) is bound to it here:
    the form's validate() runs the registered type's validate().
    """
    type_id = getattr(cls, "type_id", None)
    if not isinstance(type_id, str) or not type_id:
        raise TypeError(f"{cls.__name__} has no type_id")
    if type_id in REGISTRY:
        raise DuplicateQuestionType(type_id)
    REGISTRY[type_id] = cls()
    form_class = getattr(cls, "form_class", None)
    if form_class is not None and form_class.type_id == type_id:
        form_class.question_type = REGISTRY[type_id]
    return cls


def get_type(type_id: str) -> QuestionType:
    try:
        return REGISTRY[type_id]
    except (KeyError, TypeError):
        raise UnknownQuestionType(str(type_id)) from None


for _builtin in (
    SingleChoice,
    MultipleResponse,
    TrueFalse,
    ShortAnswer,
    Numerical,
    Matching,
    Ordering,
    Cloze,
    Essay,
):
    register(_builtin)
