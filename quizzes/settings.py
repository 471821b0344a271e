"""Quiz settings: defaults and validation, shared by content files and the web editor."""

from __future__ import annotations

from typing import Any

GRADING_METHODS = ("highest", "latest", "first", "average")
REVIEW_MODES = ("after_submit", "after_last_attempt", "never")
DEADLINE_ACTIONS = ("submit", "grace")
# bounds shared with the web editor's form
MAX_ATTEMPTS = 100
MAX_TIME_LIMIT_MINUTES = 7 * 24 * 60
MAX_GRACE_MINUTES = 24 * 60

DEFAULTS: dict[str, Any] = {
    "pass_mark": 80,
    "attempts_allowed": None,
    "time_limit_minutes": None,
    "deadline_action": "submit",
    "grace_minutes": 0,
    "grading_method": "highest",
    "shuffle_questions": False,
    "shuffle_options": True,
    "draw": None,
    "review": "after_submit",
    "feedback_bands": [],
}


class SettingsError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"settings.{field}: {message}")
        self.field = field


def validate_settings(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Fill defaults and check every value; raise SettingsError naming the field."""
    raw = dict(raw or {})
    unknown = set(raw) - set(DEFAULTS)
    if unknown:
        raise SettingsError(sorted(unknown)[0], "unknown setting")
    settings = {**DEFAULTS, **raw}
    _number(settings, "pass_mark", 0, 100)
    _optional_int(settings, "attempts_allowed", 1, MAX_ATTEMPTS)
    _optional_int(settings, "time_limit_minutes", 1, MAX_TIME_LIMIT_MINUTES)
    _number(settings, "grace_minutes", 0, MAX_GRACE_MINUTES)
    _choice(settings, "grading_method", GRADING_METHODS)
    _choice(settings, "review", REVIEW_MODES)
    _choice(settings, "deadline_action", DEADLINE_ACTIONS)
    for flag in ("shuffle_questions", "shuffle_options"):
        if not isinstance(settings[flag], bool):
            raise SettingsError(flag, "must be true or false")
    settings["draw"] = _draw(settings["draw"])
    settings["feedback_bands"] = _bands(settings["feedback_bands"])
    return settings


def _number(settings: dict[str, Any], key: str, low: float, high: float) -> None:
    value = settings[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise SettingsError(key, f"must be a number from {low} to {high}")


def _optional_int(settings: dict[str, Any], key: str, low: int, high: int) -> None:
    value = settings[key]
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or not low <= value <= high):
        raise SettingsError(key, f"must be empty or a whole number from {low} to {high}")


def _choice(settings: dict[str, Any], key: str, choices: tuple[str, ...]) -> None:
    if settings[key] not in choices:
        raise SettingsError(key, f"must be one of {', '.join(choices)}")


def _draw(value: Any) -> int | dict[str, int] | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    if isinstance(value, dict) and value and all(
        isinstance(k, str) and isinstance(n, int) and not isinstance(n, bool) and n >= 1
        for k, n in value.items()
    ):
        return {str(k): int(n) for k, n in value.items()}
    raise SettingsError("draw", "must be empty, a whole number, or {concept-tag: number}")


def _bands(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise SettingsError("feedback_bands", "must be a list of {min, text}")
    bands = []
    for index, band in enumerate(value):
        if not (isinstance(band, dict) and isinstance(band.get("min"), int | float)
                and isinstance(band.get("text"), str)):
            raise SettingsError(f"feedback_bands.{index}", "needs min (percent) and text")
        bands.append({"min": float(band["min"]), "text": band["text"]})
    return sorted(bands, key=lambda b: -b["min"])
