"""Aggregate rows for the CSV/XLSX export and the API: never one respondent's answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import gettext as _

from surveys import results
from surveys.models import FACTORS, Cycle


def header() -> list[str]:
    return [_("Supplier code"), _("Supplier"), _("Customer code"), _("Customer"),
            _("Respondents"), _("Average overall satisfaction (1-5)"), _("Note")]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def rows(cycle: Cycle) -> Iterator[list[Any]]:
    """One row per supplier x customer pair, masked under the threshold; then one row per
    supplier (customer "*") with its whole scorecard's overall figure."""
    # a customer None (raters of no department) has no name
    names: dict[int | None, tuple[str, str]] = {
        d.department_id: (d.code, d.name) for d in cycle.departments}
    for (supplier, customer), figure in sorted(results.matrix(cycle).items(),
                                               key=lambda item: (str(item[0][0]),
                                                                 str(item[0][1]))):
        s_code, s_name = names.get(supplier, ("", ""))
        c_code, c_name = names.get(customer, ("", ""))
        if figure.value is None:
            yield [s_code, s_name, c_code, c_name, None, None, _("too few to show")]
        else:
            yield [s_code, s_name, c_code, c_name, figure.n, _round(figure.value), None]


def scorecards_json(cycle: Cycle) -> list[dict[str, Any]]:
    """Every taking-part department's scorecard, without comments (free text can name
    people; the API never sends it)."""
    cards = results.scorecards(cycle, [d.department_id for d in cycle.departments])
    return [_card_json(cards[d.department_id]) for d in cycle.departments]


def _card_json(card: results.Scorecard) -> dict[str, Any]:
    supplier_id = card.supplier_id

    def figure(f: results.Figure) -> dict[str, Any]:
        return {"n": f.n, "value": _round(f.value)}

    return {"department_id": supplier_id, "shown": card.shown,
            "respondents": card.respondents, "overall": figure(card.overall),
            "loyalty": figure(card.loyalty), "nps": figure(card.nps),
            "factors": {f: figure(card.factors.get(f, results.Figure(0, None)))
                        for f in FACTORS},
            "pledges": [{"statement": en, "figure": figure(f)} for _zh, en, f in card.pledges]}
