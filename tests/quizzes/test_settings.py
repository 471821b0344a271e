"""Quiz settings: defaults filled, every value checked and named when wrong."""

from __future__ import annotations

import pytest

from quizzes.settings import SettingsError, validate_settings


def test_defaults_fill_what_is_missing():
    settings = validate_settings({"pass_mark": 80})
    assert settings["attempts_allowed"] is None and settings["grading_method"] == "highest"


@pytest.mark.parametrize(("raw", "field"), [
    ({"pass_mark": 101}, "pass_mark"),
    ({"attempts_allowed": 0}, "attempts_allowed"),
    ({"attempts_allowed": 101}, "attempts_allowed"),
    ({"time_limit_minutes": 99_999_999_999}, "time_limit_minutes"),  # timedelta overflow
    ({"time_limit_minutes": True}, "time_limit_minutes"),
    ({"grace_minutes": -1}, "grace_minutes"),
    ({"review": "sometimes"}, "review"),
    ({"colour": "red"}, "colour"),
])
def test_bad_values_name_their_setting(raw, field):
    with pytest.raises(SettingsError) as caught:
        validate_settings(raw)
    assert field in str(caught.value)
