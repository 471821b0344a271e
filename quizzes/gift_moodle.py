"""Moodle's additions to GIFT that Relay keeps: idnumber and tag comments, categories
as tags, and the text formats ([plain], [moodle], [html], [markdown]) as Markdown."""

from __future__ import annotations

import re
import unicodedata

MOODLE_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
MOODLE_TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]\x00-\x1f])+)\]")
CATEGORY_TAG = "category-"
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()>#+\-.!|~])")


def parse_moodle_comments(comments: str) -> tuple[str, list[str]]:
    """Moodle's ``// [id:idnumber] [tag:name]`` comment tokens (``\\]`` is a literal ])."""
    found = MOODLE_ID_RE.search(comments)
    idnumber = found.group(1).replace("\\]", "]").strip() if found else ""
    tags = [tag_slug(m.group(1).replace("\\]", "]")) for m in MOODLE_TAG_RE.finditer(comments)]
    return idnumber, [t for t in tags if t]


def tag_slug(text: str) -> str:
    """A kebab-case tag, as Relay's concept tags are ("" when nothing ASCII is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))[:60].strip("-")


def category_tags(category: str | None) -> list[str]:
    """Moodle's category path as one tag: ``$course$/top/Default for X`` ->
    ``category-default-for-x`` (the ``$context$`` and ``top`` parts say nothing)."""
    if not category:
        return []
    parts = [p for p in category.split("/") if p.strip() and not p.strip().startswith("$")]
    if parts and parts[0].strip().lower() == "top":
        parts = parts[1:]
    slug = tag_slug(" ".join(parts))
    return [CATEGORY_TAG + slug] if slug else []


def apply_format(text: str, fmt: str | None) -> str:
    """Markdown for a text Moodle marked with a format: [plain] shows literally,
    [moodle] keeps each line break; [html] and [markdown] are Markdown already."""
    fmt = (fmt or "").lower()
    if fmt == "plain":
        return MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;").replace("<", "&lt;"))
    if fmt == "moodle":
        return text.replace("\n", "  \n")
    return text
