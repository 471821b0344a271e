"""The report filters' options, drawn in one pass (reports.routes.select_options)."""

from __future__ import annotations

from wtforms.fields.choices import SelectChoice

from reports.routes import select_options


def test_options_are_escaped_and_the_chosen_one_selected():
    choices = [SelectChoice("", "All departments"), SelectChoice(7, "R&D <east>"),
               SelectChoice(12, "\u2003Sales")]
    html = str(select_options(choices, 7))
    assert html == ('<option value="">All departments</option>'
                    '<option value="7" selected>R&amp;D &lt;east&gt;</option>'
                    '<option value="12">\u2003Sales</option>')
    nothing_chosen = str(select_options(choices, None))  # the empty "All ..." option
    assert nothing_chosen.count("selected") == 1 and '<option value="" selected>' in nothing_chosen
