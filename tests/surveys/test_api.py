"""The survey aggregates over the API: its own scope, groups under 5 as null, no people."""

from __future__ import annotations

import json

from api import tokens
from tests.surveys.test_results import rated  # noqa: F401  (fixture)

PREFIX = "/api/v1"


def get(client, secret, path):
    return client.get(PREFIX + path, headers={"Authorization": f"Bearer {secret}"})


def test_results_need_the_surveys_scope(client, rated):  # noqa: F811
    other = tokens.create_token("roster", ["roster:read", "reports:read"]).secret
    refused = get(client, other, f"/surveys/cycles/{rated.id}/results")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "insufficient_scope"
    assert client.get(f"{PREFIX}/surveys/cycles").status_code == 401


def test_results_are_aggregates_matching_the_document(client, company, rated):  # noqa: F811
    secret = tokens.create_token("bi", ["surveys:read"]).secret
    cycles = get(client, secret, "/surveys/cycles").json["cycles"]
    assert [c["title"] for c in cycles] == ["2026 Q4"]
    body = get(client, secret, f"/surveys/cycles/{rated.id}/results").json
    document = client.get(f"{PREFIX}/openapi.json").json
    schema = document["components"]["schemas"]["SurveyResults"]
    assert set(body) == set(schema["required"])
    for part in ("matrix", "scorecards", "response_rates"):
        described = set(schema["properties"][part]["items"]["properties"])
        assert all(set(item) == described for item in body[part]), part
    cells = {(c["supplier_id"], c["customer_id"]): c for c in body["matrix"]}
    assert cells[(company.finance.id, company.it.id)] == {
        "supplier_id": company.finance.id, "customer_id": company.it.id,
        "respondents": 5, "overall": 3.6}
    assert cells[(company.finance.id, company.sales.id)]["overall"] is None
    assert cells[(company.finance.id, company.sales.id)]["respondents"] is None
    cards = {c["department_id"]: c for c in body["scorecards"]}
    assert cards[company.it.id]["shown"] is False
    assert cards[company.it.id]["overall"] == {"n": 0, "value": None}
    assert cards[company.finance.id]["respondents"] == 7
    text = json.dumps(body, ensure_ascii=False)
    assert "意见" not in text  # no comments over the API
    for person in company.it_people + company.sales_people:
        assert person.email not in text and person.name not in text
    missing = get(client, secret, "/surveys/cycles/999/results")
    assert missing.status_code == 404


def test_open_cycles_have_no_results_yet(client, company, today):
    from tests.surveys.conftest import open_cycle

    cycle = open_cycle(company, today)
    secret = tokens.create_token("bi", ["surveys:read"]).secret
    early = get(client, secret, f"/surveys/cycles/{cycle.id}/results")
    assert early.status_code == 404 and "closes" in early.json["error"]["message"]
    assert [c["status"] for c in get(client, secret, "/surveys/cycles").json["cycles"]] == [
        "open"]
