"""Questions as xAPI interactions, answers as xAPI response patterns (xAPI 1.0.3, Data 4.1.4.1).

An LRS dashboard reads an `answered` statement through the activity's
`interactionType`, its components (`choices`, or `source` and `target` for
matching) and `correctResponsesPattern`, and the statement's `result.response`
written in the same pattern:

| Relay type        | interactionType | response                                   |
|-------------------|-----------------|--------------------------------------------|
| single_choice     | choice          | `option-2`                                 |
| multiple_response | choice          | `option-1[,]option-3`                      |
| true_false        | true-false      | `true` / `false`                           |
| short_answer      | fill-in         | the text typed                             |
| cloze             | fill-in         | one entry per gap: `text[,]text`           |
| numerical         | numeric         | `42.5`; a correct range is `min[:]max`     |
| matching          | matching        | `left-1[.]right-2[,]left-2[.]right-1`      |
| ordering          | sequencing      | `item-3[,]item-1[,]item-2`                 |
| essay             | long-fill-in    | the text written                           |

Component ids are positions in the authored question revision (1-based), which
the statement's context names (question-revision extension); the stored answer
is in those authored terms too, whatever tokens a page used to post it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from quizzes.types.short_answer import literal_text

RESPONSE_LIMIT = 4000  # a long essay is cut: the LRS is not the archive of answers
INTERACTION_TYPES = {
    "single_choice": "choice",
    "multiple_response": "choice",
    "true_false": "true-false",
    "short_answer": "fill-in",
    "cloze": "fill-in",
    "numerical": "numeric",
    "matching": "matching",
    "ordering": "sequencing",
    "essay": "long-fill-in",
}


def _component(prefix: str, index: int, text: str) -> dict[str, Any]:
    return {"id": f"{prefix}-{index + 1}", "description": {"und": text}}


def _ids(prefix: str, indexes: Sequence[int]) -> str:
    return "[,]".join(f"{prefix}-{i + 1}" for i in indexes)


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else repr(float(value))


def _matching_rights(data: Mapping[str, Any]) -> list[str]:
    return [p["right"] for p in data["pairs"]] + list(data.get("distractors", []))


# --- definitions: interactionType, components, correctResponsesPattern ---------------------

def _choice(data: Mapping[str, Any]) -> dict[str, Any]:
    options = data["options"]
    if "weight" in options[0]:  # multiple_response: every positive option together
        correct = [i for i, o in enumerate(options) if o["weight"] > 0]
    else:
        correct = [i for i, o in enumerate(options) if o["correct"]]
    return {"choices": [_component("option", i, o["text"]) for i, o in enumerate(options)],
            "correctResponsesPattern": [_ids("option", correct)]}


def _true_false(data: Mapping[str, Any]) -> dict[str, Any]:
    return {"correctResponsesPattern": ["true" if data["answer"] else "false"]}


def _fill_in(data: Mapping[str, Any]) -> dict[str, Any]:
    # a pattern has no wildcards: each full-marks answer as typed, each * matching
    # nothing (case does not matter, the default of fill-in patterns, as in grading)
    full = [literal_text([a]) for a in data["answers"] if a["weight"] == 100]
    return {"correctResponsesPattern": full}


def _cloze(data: Mapping[str, Any]) -> dict[str, Any]:
    def right(gap: Mapping[str, Any]) -> str:
        if gap["kind"] == "choice":
            return next(o["text"] for o in gap["options"] if o["correct"])
        return literal_text(gap["answers"])
    return {"correctResponsesPattern": ["[,]".join(right(g) for g in data["gaps"])]}


def _numeric(data: Mapping[str, Any]) -> dict[str, Any]:
    patterns = []
    for entry in data["answers"]:
        if entry["weight"] != 100:
            continue
        if "value" in entry:
            low = entry["value"] - entry.get("tolerance", 0)
            high = entry["value"] + entry.get("tolerance", 0)
        else:
            low, high = entry["min"], entry["max"]
        patterns.append(_number(low) if low == high else f"{_number(low)}[:]{_number(high)}")
    return {"correctResponsesPattern": patterns}


def _matching(data: Mapping[str, Any]) -> dict[str, Any]:
    rights = _matching_rights(data)
    pairs = [f"left-{i + 1}[.]right-{rights.index(p['right']) + 1}"
             for i, p in enumerate(data["pairs"])]
    return {"source": [_component("left", i, p["left"]) for i, p in enumerate(data["pairs"])],
            "target": [_component("right", i, text) for i, text in enumerate(rights)],
            "correctResponsesPattern": ["[,]".join(pairs)]}


def _sequencing(data: Mapping[str, Any]) -> dict[str, Any]:
    items = data["items"]
    return {"choices": [_component("item", i, text) for i, text in enumerate(items)],
            "correctResponsesPattern": [_ids("item", range(len(items)))]}


def _nothing(data: Mapping[str, Any]) -> dict[str, Any]:
    return {}


DEFINITIONS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "single_choice": _choice, "multiple_response": _choice, "true_false": _true_false,
    "short_answer": _fill_in, "cloze": _cloze, "numerical": _numeric,
    "matching": _matching, "ordering": _sequencing, "essay": _nothing,
}


def interaction(type_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The interaction part of an activity definition for one question revision."""
    kind = INTERACTION_TYPES.get(type_id)
    if kind is None:
        return {"interactionType": "other"}
    return {"interactionType": kind, **DEFINITIONS[type_id](data)}


# --- responses -----------------------------------------------------------------------------

def response(type_id: str, data: Mapping[str, Any], answer: Any) -> str:
    """A stored answer (authored terms: option indexes, text, numbers) as an xAPI response."""
    if type_id == "single_choice":
        text = _ids("option", [answer])
    elif type_id == "multiple_response":
        text = _ids("option", sorted(answer))
    elif type_id == "true_false":
        text = "true" if answer else "false"
    elif type_id == "numerical":
        text = _number(answer)
    elif type_id == "matching":
        text = "[,]".join(f"left-{i + 1}[.]right-{a + 1}" for i, a in enumerate(answer)
                          if a is not None)
    elif type_id == "ordering":
        text = _ids("item", answer)
    elif type_id == "cloze":
        text = "[,]".join(_gap_text(gap, a) for gap, a in zip(data["gaps"], answer, strict=True))
    elif isinstance(answer, str):
        text = answer
    else:
        text = str(answer)
    return text[:RESPONSE_LIMIT]


def _gap_text(gap: Mapping[str, Any], answer: Any) -> str:
    if answer is None:
        return ""
    return gap["options"][answer]["text"] if gap["kind"] == "choice" else str(answer)
