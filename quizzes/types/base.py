"""The question-type contract and the small checks every type shares.

A question type is a stateless object: it validates the ``data`` a trainer
wrote (docs/content-format.md), turns submitted form values into a
normalised answer, and grades that answer. Nothing here touches Flask or the
database, so every rule can be tested on plain dicts.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import lazy_gettext as _l

from quizzes.types.errors import AnswerError, QuestionDataError  # part of the contract

if TYPE_CHECKING:  # the editor forms need wtforms; a type's rules do not
    from quizzes.types.forms import QuestionDataForm

# Concept and misconception tags are kebab-case English, so reports can group
# them across courses and languages.
TAG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Only ASCII digits: str.isdigit() and int() also accept other scripts' digits.
INDEX_RE = re.compile(r"[0-9]{1,6}")
# A guard against oversized posts; no legitimate short answer is this long.
MAX_TEXT_ANSWER = 2_000
# A stored answer of the wrong shape (damaged data, never the learner's typing).
# Answer errors are lazy strings: the learner reads them in their own language.
SAVED_ANSWER_UNFIT = _l("The saved answer does not fit this question. Answer it again.")


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one answer: a fraction of the question's points."""

    fraction: float
    feedback: str = ""
    misconceptions: tuple[str, ...] = ()
    pending: bool = False


class OptionTokens:
    """How a page names a question's options: here by their authored index.

    Only the trainer's preview speaks in authored indexes. A learner's attempt uses
    SignedTokens, so nothing a page posts tells which option was authored where (the
    authored order would give the key away: authors tend to put the right answer
    first). ``kind`` keeps separate lists apart (matching's rows and choices), so a
    row's name never equals the value of its right choice.
    """

    def token(self, kind: str, index: int) -> str:
        return str(index)

    def index(self, kind: str, value: str, count: int) -> int:
        """The authored index behind a posted value; AnswerError if none matches."""
        return parse_index(value, count)


AUTHORED_INDEXES = OptionTokens()


class SignedTokens(OptionTokens):
    """Opaque per-attempt, per-question option tokens: HMAC(key, scope, kind, index).

    Nothing is stored: the server recomputes the tokens of a question's options to
    map a posted one back. ``scope`` names the attempt and question.
    """

    LENGTH = 16  # hex digits: 64 bits, far beyond guessing

    def __init__(self, key: bytes, scope: str) -> None:
        self._key = key
        self._scope = scope

    def token(self, kind: str, index: int) -> str:
        message = f"{self._scope}\x1f{kind}\x1f{index}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[: self.LENGTH]

    def index(self, kind: str, value: str, count: int) -> int:
        for i in range(count):
            if hmac.compare_digest(self.token(kind, i), value):
                return i
        raise AnswerError(f"{value[:20]!r} is not an option of this question")


def shuffled(count: int, rng: random.Random) -> list[int]:
    """A uniformly random display order of ``count`` options.

    Every order is equally likely, the authored one included: the page's order must
    be independent of the authored order. Refusing the authored order would tell
    the attacker something (with two options it would always show them reversed,
    and a right answer authored first would always come second).
    """
    order = list(range(count))
    rng.shuffle(order)
    return order


class QuestionType:
    """Base class: one subclass per type id, registered in ``quizzes.types``."""

    type_id: ClassVar[str]
    label: ClassVar[str]
    # The editor form for ``data`` (a QuestionDataForm defined next to the type).
    form_class: ClassVar[type[QuestionDataForm]]

    @property
    def template(self) -> str:
        return f"quizzes/types/{self.type_id}.html"

    def validate(self, data: Any) -> dict[str, Any]:
        """Return cleaned data with defaults filled, or raise QuestionDataError."""
        raise NotImplementedError

    def option_count(self, data: Mapping[str, Any]) -> int:
        """How many options an attempt shuffles; 0 when the type has none."""
        return 0

    def option_order(self, data: Mapping[str, Any], rng: random.Random) -> list[int] | None:
        """An attempt's display order of the options (None: the type has none)."""
        count = self.option_count(data)
        return shuffled(count, rng) if count else None

    def normalise(self, data: Mapping[str, Any], raw: Mapping[str, Sequence[str]],
                  tokens: OptionTokens = AUTHORED_INDEXES) -> Any:
        """Turn submitted form values into the stored answer (None: unanswered).

        The stored answer speaks in authored indexes, whatever tokens the page used.
        """
        raise NotImplementedError

    def form_values(self, data: Mapping[str, Any], answer: Any,
                    tokens: OptionTokens = AUTHORED_INDEXES) -> dict[str, list[str]]:
        """What the type's form posts for a stored answer: normalise's inverse."""
        raise NotImplementedError

    def grade(self, data: Mapping[str, Any], answer: Any) -> Grade:
        """Grade a normalised answer; pure, and None grades 0."""
        raise NotImplementedError

    def correct_answer(self, data: Mapping[str, Any]) -> str:
        """A human-readable correct answer for the review page."""
        raise NotImplementedError

    def right_answer(self, data: Mapping[str, Any]) -> Any:
        """A stored answer that earns full marks (for an essay: one to grade by hand)."""
        raise NotImplementedError

    def wrong_answer(self, data: Mapping[str, Any], rng: random.Random) -> Any:
        """A plausible mistake, preferring options tagged with a misconception; None
        (unanswered) where the type has no typical wrong answer."""
        return None

    def render_context(
        self, data: Mapping[str, Any], option_order: list[int] | None,
        tokens: OptionTokens = AUTHORED_INDEXES,
    ) -> dict[str, Any]:
        """What the type's input template needs, options in display order.

        An option's ``value`` (or a field's name part) is its token; its ``index``
        is the authored position, for comparing with the stored answer only: a
        template must never print it.
        """
        raise NotImplementedError

    def review_context(
        self, data: Mapping[str, Any], answer: Any, option_order: list[int] | None
    ) -> dict[str, Any]:
        """What the review shows: the learner's answer beside the right one.

        ``kind`` picks the review macro (templates/quizzes/types/_review.html).
        """
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.type_id!r}>"


# --- validating data -------------------------------------------------------


def path_of(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


def as_mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise QuestionDataError(path, "must be a mapping of fields")
    return value


def check_keys(
    obj: Mapping[str, Any], path: str, required: Iterable[str], optional: Iterable[str] = ()
) -> None:
    """Reject unknown keys too: a misspelt ``corect`` must not pass silently."""
    required = tuple(required)
    allowed = set(required) | set(optional)
    for key in obj:
        if key not in allowed:
            raise QuestionDataError(path_of(path, str(key)), "unknown field")
    for key in required:
        if key not in obj:
            raise QuestionDataError(path_of(path, key), "is required")


def as_list(value: Any, path: str, min_len: int = 0) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise QuestionDataError(path, "must be a list")
    if len(value) < min_len:
        raise QuestionDataError(path, f"needs at least {min_len} entries")
    return list(value)


def as_text(value: Any, path: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        # YAML turns `text: 2024` into a number; say how to fix it.
        raise QuestionDataError(path, "must be text (quote numbers in YAML)")
    value = value.strip()
    if not value and not allow_empty:
        raise QuestionDataError(path, "must not be empty")
    return value


def optional_text(obj: Mapping[str, Any], key: str, path: str) -> str:
    value = obj.get(key)
    return "" if value is None else as_text(value, path_of(path, key), allow_empty=True)


def as_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise QuestionDataError(path, "must be true or false")
    return value


def is_finite(value: int | float) -> bool:
    """math.isfinite, but False (not OverflowError) for an int too big for any float."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def as_number(
    value: Any, path: str, low: float | None = None, high: float | None = None
) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise QuestionDataError(path, "must be a number")
    if not is_finite(value):
        raise QuestionDataError(path, "must be a finite number")
    if low is not None and value < low:
        bound = f"at least {low:g}" if high is None else f"between {low:g} and {high:g}"
        raise QuestionDataError(path, f"must be {bound}")
    if high is not None and value > high:
        bound = f"at most {high:g}" if low is None else f"between {low:g} and {high:g}"
        raise QuestionDataError(path, f"must be {bound}")
    return value


def optional_int(obj: Mapping[str, Any], key: str, path: str, low: int) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise QuestionDataError(path_of(path, key), f"must be a whole number >= {low}")
    return value


def optional_tag(obj: Mapping[str, Any], key: str, path: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not TAG_RE.fullmatch(value):
        message = "must be a kebab-case tag like passes-the-blame"
        raise QuestionDataError(path_of(path, key), message)
    return value


def option_extras(obj: Mapping[str, Any], path: str) -> dict[str, Any]:
    """The ``feedback`` and ``misconception`` every option-like entry may carry."""
    return {
        "feedback": optional_text(obj, "feedback", path),
        "misconception": optional_tag(obj, "misconception", path),
    }


def reject_duplicates(texts: Sequence[str], path: str, field: str = "") -> None:
    """Name the later copy: ``options.3.text: repeats entry 1``."""
    seen: dict[str, int] = {}
    for i, text in enumerate(texts):
        if text in seen:
            here = path_of(path_of(path, i), field) if field else path_of(path, i)
            raise QuestionDataError(here, f"repeats entry {seen[text]}")
        seen[text] = i


# --- normalising answers ---------------------------------------------------


def check_raw_keys(raw: Mapping[str, Sequence[str]], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    for key in raw:
        if key not in allowed:
            raise AnswerError(_l("The form sent an unexpected field “%(field)s”. "
                                 "Reload the page.", field=key[:20]))


def values_of(raw: Mapping[str, Sequence[str]], key: str) -> list[str]:
    values = raw.get(key, [])
    if (isinstance(values, str) or not isinstance(values, Sequence)
            or not all(isinstance(v, str) for v in values)):
        raise AnswerError(_l("The form sent field “%(field)s” in a shape this question "
                             "cannot read.", field=key[:20]))
    return list(values)


def single_value(raw: Mapping[str, Sequence[str]], key: str = "") -> str | None:
    """The one submitted value of a field, stripped; None when blank or absent."""
    values = values_of(raw, key)
    if len(values) > 1:
        raise AnswerError(_l("Give one answer here, not %(count)s.", count=len(values)))
    value = values[0].strip() if values else ""
    return value or None


def parse_index(value: str, count: int) -> int:
    if not INDEX_RE.fullmatch(value):
        raise AnswerError(_l("“%(value)s” is not one of the choices. Reload the page.",
                             value=value[:20]))
    index = int(value)
    if index >= count:
        raise AnswerError(_l("Choice %(index)s does not exist. Reload the page.", index=index))
    return index


def text_answer(raw: Mapping[str, Sequence[str]], key: str, limit: int) -> str | None:
    value = single_value(raw, key)
    if value is not None and len(value) > limit:
        raise AnswerError(_l("The answer is longer than %(limit)s characters.", limit=limit))
    return value


# --- grading and rendering -------------------------------------------------


def is_index(value: Any, count: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count


def tags_if_wrong(entry: Mapping[str, Any], wrong: bool) -> tuple[str, ...]:
    """The entry's misconception tag, recorded only when the choice was wrong."""
    return (entry["misconception"],) if wrong and entry["misconception"] else ()


def weighted_grade(entry: Mapping[str, Any] | None) -> Grade:
    """Grade from the best matching weighted answer (short answer, numerical)."""
    if entry is None:
        return Grade(0.0)
    weight = entry["weight"]
    return Grade(weight / 100, entry["feedback"], tags_if_wrong(entry, weight < 100))


def join_feedback(parts: Iterable[str]) -> str:
    # Feedback is Markdown; a blank line keeps each part its own paragraph.
    return "\n\n".join(part for part in parts if part)


def display_order(count: int, option_order: Sequence[int] | None) -> list[int]:
    """The attempt's stored order, checked: a stale order must not mislabel options."""
    if option_order is None:
        return list(range(count))
    order = list(option_order)
    if sorted(order) != list(range(count)):
        raise ValueError(f"option order {order!r} is not a permutation of {count} options")
    return order
