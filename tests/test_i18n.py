"""Both catalogues are complete: every UI string has a Chinese translation."""

from pathlib import Path

from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def load(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def test_chinese_catalogue_translates_every_string():
    catalog = load("zh_Hans_CN")
    missing = [m.id for m in catalog if m.id and (not m.string or "fuzzy" in m.flags)]
    assert missing == []


def test_catalogues_cover_the_same_strings_as_the_template():
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    for locale in ("zh_Hans_CN", "en"):
        assert {m.id for m in load(locale) if m.id} >= template, locale


def placeholders(text: str) -> list[str]:
    return sorted(part.split(")")[0] for part in text.split("%(")[1:])


def test_placeholders_survive_translation():
    for message in load("zh_Hans_CN"):
        if not message.id:
            continue
        # a plural entry (ngettext) is a tuple: each form keeps the singular's names
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "%(" in ids[0]:
            for string in strings:
                assert placeholders(ids[0]) == placeholders(string), message.id


class AnyValue(dict):
    def __missing__(self, key: str) -> str:
        return "x"


def test_translations_survive_percent_formatting():
    # Jinja's gettext always applies `%` (even without variables), and Python code does
    # when it passes variables: a lone % in such a translation is a 500 on that page.
    broken = []
    for message in load("zh_Hans_CN"):
        if not message.id or not message.string:
            continue
        formatted = "%(" in str(message.id) or any(
            path.startswith("templates/") for path, _ in message.locations)
        if formatted:
            try:
                str(message.string) % AnyValue()
            except (ValueError, TypeError):
                broken.append(message.id)
    assert broken == []
