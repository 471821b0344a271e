"""The OpenAPI document and the routes agree, both ways, and so do the scopes."""

import re

from api.http import PREFIX
from api.tokens import SCOPES

METHODS = {"get", "put", "post", "patch", "delete"}


def api_routes(app) -> dict[tuple[str, str], str]:
    """(OpenAPI path, method) -> endpoint, for every route of the API blueprint."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        assert rule.rule.startswith(PREFIX + "/"), rule.rule
        path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule[len(PREFIX):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes[(path, method.lower())] = rule.endpoint
    return routes


def described(document) -> dict[tuple[str, str], dict]:
    return {(path, method): operation for path, item in document["paths"].items()
            for method, operation in item.items() if method in METHODS}


def test_every_route_is_described_and_every_description_is_a_route(app, client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": PREFIX}]
    routes, operations = api_routes(app), described(document)
    assert len(routes) >= 14
    assert set(routes) - set(operations) == set(), "routes missing from the document"
    assert set(operations) - set(routes) == set(), "described operations with no route"
    for key, endpoint in routes.items():
        assert operations[key]["operationId"] == endpoint.split(".", 1)[1], key


def test_described_scopes_are_the_ones_the_views_require(app, client):
    document = client.get("/api/v1/openapi.json").json
    for key, endpoint in api_routes(app).items():
        operation = described(document)[key]
        required = getattr(app.view_functions[endpoint], "required_scope", None)
        assert operation.get("x-required-scope") == required, key
        if required is None:
            assert operation["security"] == []
        else:
            assert required in SCOPES
            assert operation["security"] == [{"bearerToken": [required]}]
            assert {"401", "403", "429"} <= set(operation["responses"]), key


def test_path_parameters_match_the_route_variables(client):
    document = client.get("/api/v1/openapi.json").json
    for path, item in document["paths"].items():
        names = set(re.findall(r"{([a-z_]+)}", path))
        for method, operation in item.items():
            params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert params == names, (path, method)


def test_every_reference_resolves(client):
    document = client.get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    refs = set(re.findall(r'"#/components/schemas/([A-Za-z]+)"', client.get(
        "/api/v1/openapi.json").get_data(as_text=True)))
    assert refs and refs <= set(schemas)
