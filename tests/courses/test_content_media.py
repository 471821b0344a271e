"""Diagrams in content/: every lesson image is a hand-drawn SVG beside its course, with
Chinese alt text, Chinese labels, and nothing active inside."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
HAN = re.compile(r"[\u4e00-\u9fff]")
SVG = "{http://www.w3.org/2000/svg}"
DIAGRAMS = {"inverted-pyramid.svg", "four-kinds.svg", "relay-exchange-zone.svg",
            "lead-time-backward.svg", "hospital-chain.svg"}


def lesson_images() -> list[tuple[Path, str, str]]:
    return [(path, alt, src) for path in sorted(CONTENT.glob("*/*.md"))
            for alt, src in IMAGE.findall(path.read_text(encoding="utf-8"))]


def test_every_lesson_image_is_a_media_file_of_its_course_with_chinese_alt_text():
    images = lesson_images()
    assert {Path(src).name for _, _, src in images} == DIAGRAMS
    for lesson, alt, src in images:
        assert src.startswith("media/") and (lesson.parent / src).is_file(), (lesson, src)
        assert len(HAN.findall(alt)) >= 40, (lesson, "alt text describes the whole picture")


def test_diagrams_are_static_svg_with_chinese_labels_readable_on_a_phone():
    files = sorted(CONTENT.glob("*/media/*.svg"))
    assert {f.name for f in files} == DIAGRAMS
    for path in files:
        root = ET.parse(path).getroot()
        assert root.tag == f"{SVG}svg" and root.get("viewBox"), path
        width = float(root.get("viewBox").split()[2])
        assert width <= 480, (path, "at most 480 wide, so text stays large on a phone")
        assert root.find(f"{SVG}title") is not None, path
        labels = "".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
        assert len(HAN.findall(labels)) >= 20, path
        for element in root.iter():
            assert element.tag not in {f"{SVG}script", f"{SVG}foreignObject", f"{SVG}image"}, path
            assert not any(a.startswith("on") or a.endswith("href") for a in element.attrib), path
        sizes = [float(n) for n in re.findall(r"font-size:\s*(\d+(?:\.\d+)?)px", path.read_text())]
        assert sizes and min(sizes) >= 17, (path, "labels at least 17px in a 480-wide drawing")


def test_imported_lessons_embed_their_diagrams_and_nothing_else(app, runner):
    from sqlalchemy import select

    from courses.models import Lesson
    from extensions import db

    assert runner.invoke(args=["content", "import"]).exit_code == 0
    lessons = db.session.scalars(select(Lesson)).all()
    with_diagram = [lesson for lesson in lessons if "![" in lesson.source]
    assert len(with_diagram) == len(DIAGRAMS)
    for lesson in with_diagram:
        assert 'src="data:image/svg+xml;base64,' in lesson.html, lesson.slug
        assert 'src="media/' not in lesson.html, lesson.slug
    # the embedding never reaches a lesson's own text: only src attributes of img tags
    assert all("data:image" not in lesson.source for lesson in lessons)
