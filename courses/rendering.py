"""Markdown to safe HTML: the one renderer for lessons, previews, prompts and feedback.

Rendered once when content is saved and stored; pages serve the stored HTML.
"""

from __future__ import annotations

import base64
import functools
import math
import re
from pathlib import Path

import markdown
import nh3
from markupsafe import Markup

from courses.media import NAME as MEDIA_NAME

EXTENSIONS = ["tables", "fenced_code", "admonition", "sane_lists", "attr_list", "md_in_html"]

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "*": {"id"},
}
# Admonitions need their classes to be styled; nothing else may set a class.
ALLOWED_CLASSES = {
    "div": {"admonition", "note", "tip", "warning", "important", "danger", "example"},
    "p": {"admonition-title"},
}
URL_SCHEMES = {"http", "https", "mailto", "data"}  # data: for images only, see below
# Lessons show only images the school holds: its own uploads or inline data. An image
# from another host would tell that host who read which lesson when (a tracking pixel).
MEDIA_PREFIX = "/media/"
DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+")
# Content ids live in their own namespace, so "{: #csrf_token }" cannot shadow one of the
# page's own elements (DOM clobbering); in-page links follow.
ID_PREFIX = "c-"

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[A-Za-z0-9]+")


@functools.lru_cache(maxsize=2048)
def markdown_filter(source: str) -> Markup:
    """Jinja's |markdown for short texts kept as Markdown (feedback): same renderer and
    sanitizer, cached because the same feedback is shown to many learners."""
    return Markup(render_markdown(source))


def render_markdown(source: str) -> str:
    """Markdown to HTML, sanitized: scripts, event handlers and javascript: URLs never survive."""
    html = markdown.markdown(source, extensions=EXTENSIONS, output_format="html")
    return sanitize_html(html)


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_filter_attribute,
    )


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """None drops the attribute: a foreign image's src, a link to a data: URL."""
    if tag == "img" and attribute == "src":
        src = value.strip()
        own = src.startswith(MEDIA_PREFIX) and MEDIA_NAME.match(src[len(MEDIA_PREFIX):])
        bundled = BUNDLED_DIAGRAM_SRC.fullmatch(src)  # same host; embedded on publish
        return src if own or bundled or DATA_IMAGE.fullmatch(src) else None
    if attribute == "href" and value.strip().lower().startswith("data:"):
        return None
    if attribute == "id" and not value.startswith(ID_PREFIX):
        return ID_PREFIX + value
    if (tag == "a" and attribute == "href" and value.startswith("#")
            and not value.startswith("#" + ID_PREFIX)):
        return "#" + ID_PREFIX + value[1:]
    return value


# A bundled lesson's diagram: `![alt](media/name.svg)` beside its Markdown file in git.
BUNDLED_DIAGRAM_SRC = re.compile(r"media/([a-z0-9][a-z0-9-]*\.svg)")
BUNDLED_DIAGRAM = re.compile(f'src="{BUNDLED_DIAGRAM_SRC.pattern}"')


def inline_bundled_diagrams(html: str, media_dir: Path) -> str:
    """Embed the course's own SVG diagrams as data: URLs in already-sanitized HTML.

    They come from the course folder in git (reviewed like code), never from an upload,
    and an <img> never runs an SVG's scripts; embedding keeps lessons free of links to
    files that only one app server would have. Unknown names are left as they are.
    """
    def embed(match: re.Match[str]) -> str:
        path = media_dir / match.group(1)
        if not path.is_file():
            return match.group(0)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'src="data:image/svg+xml;base64,{data}"'

    return BUNDLED_DIAGRAM.sub(embed, html)


def reading_minutes(source: str) -> int:
    """About 300 Chinese characters or 200 English words a minute; at least one minute."""
    minutes = len(CJK.findall(source)) / 300 + len(WORD.findall(source)) / 200
    return max(1, math.ceil(minutes))
