"""Tag labels from concepts.yml: by page language, falling back to the tag itself."""

from __future__ import annotations

import os

from flask_babel import force_locale

from quizzes.vocabulary import in_course_order, tag_label

VOCABULARY = """
concepts:
  relay-baton: {zh: 接力棒原理, en: The relay baton, description: Run past the line.}
  lead-time: {zh: 给提前量, en: Lead time}
misconceptions:
  passes-the-blame: {zh: 推卸责任, en: Passes the blame}
"""


def test_labels_follow_the_language_and_unknown_tags_show_as_themselves(app, tmp_path):
    (tmp_path / "concepts.yml").write_text(VOCABULARY, encoding="utf-8")
    app.config["CONTENT_DIR"] = str(tmp_path)
    with app.test_request_context("/"):
        with force_locale("zh_CN"):
            assert tag_label("relay-baton") == "接力棒原理"
            assert tag_label("passes-the-blame", "misconceptions") == "推卸责任"
            assert tag_label("made-up-in-the-editor") == "made-up-in-the-editor"
        with force_locale("en"):
            assert tag_label("relay-baton") == "The relay baton"
        assert in_course_order(["zz-new", "lead-time", "relay-baton"]) == [
            "relay-baton", "lead-time", "zz-new"]


def test_an_edited_file_is_reread_and_a_broken_one_shows_tags(app, tmp_path):
    path = tmp_path / "concepts.yml"
    path.write_text(VOCABULARY, encoding="utf-8")
    app.config["CONTENT_DIR"] = str(tmp_path)
    with app.test_request_context("/"), force_locale("en"):
        assert tag_label("relay-baton") == "The relay baton"
        path.write_text(VOCABULARY.replace("The relay baton", "Baton"), encoding="utf-8")
        os.utime(path, (1, 1))  # a different mtime, however fast the test runs
        assert tag_label("relay-baton") == "Baton"
        path.write_text("concepts: [unclosed", encoding="utf-8")
        os.utime(path, (2, 2))
        assert tag_label("relay-baton") == "relay-baton"
