"""Lessons show only images the school holds: its own /media uploads or inline data."""

from __future__ import annotations

import pytest

from courses.rendering import render_markdown

OWN = "/media/0123456789abcdef0123456789abcdef.png"
PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


@pytest.mark.parametrize("src", [OWN, PIXEL])
def test_own_images_keep_their_source(src):
    assert f'src="{src}"' in render_markdown(f"![diagram]({src})")


@pytest.mark.parametrize("src", [
    "https://tracker.example/p.gif", "//tracker.example/p.gif", "http://tracker.example/p.gif",
    "/media/../secret_key", "/media/x.png", "data:image/svg+xml;base64,PHN2Zz4=",
    "data:text/html;base64,PHNjcmlwdD4=", "/reports/export.csv",
])
def test_foreign_images_lose_their_source(src):
    html = render_markdown(f"![pixel]({src}) <img src=\"{src}\">")
    assert "src=" not in html
    assert 'alt="pixel"' in html  # the text alternative stays


def test_links_may_not_open_data_urls_but_keep_web_links():
    html = render_markdown("[a](data:text/html,hi) [b](https://example.com/x)")
    assert "data:" not in html
    assert 'href="https://example.com/x"' in html
