"""Templates translate through a catalogue kept per request and locale (i18n._translations):
a locale forced or refreshed in the middle of a request is still obeyed."""

from flask import render_template_string
from flask_babel import force_locale, refresh


def test_each_forced_locale_in_one_request_renders_its_own_language(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string("{{ _('My onboarding') }}") == "My onboarding"
        with force_locale("zh_CN"):
            assert render_template_string("{{ _('My onboarding') }}") == "我的入职培训"
        assert render_template_string("{{ _('My onboarding') }}") == "My onboarding"
        with force_locale("zh_CN"):
            assert render_template_string("{{ _('My onboarding') }}") == "我的入职培训"

def test_a_refreshed_locale_is_obeyed(app, monkeypatch):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string("{{ _('My onboarding') }}") == "My onboarding"
        monkeypatch.setattr(app.extensions["babel"], "locale_selector", lambda: "zh_CN")
        assert render_template_string("{{ _('My onboarding') }}") == "My onboarding"  # kept
        refresh()
        assert render_template_string("{{ _('My onboarding') }}") == "我的入职培训"

def test_formatting_and_escaping_stay_jinjas(app):
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        html = render_template_string(
            "{{ _('step %(n)s of %(total)s', n='<b>', total=9) }}")
    assert html == "第 &lt;b&gt; 步，共 9 步"
