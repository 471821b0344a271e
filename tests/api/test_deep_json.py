"""API bodies nested 200,000 deep, or otherwise broken, are a 400 with a message."""

from __future__ import annotations

import pytest

DEEP = 200_000


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("body", [deep_json(DEEP), '{"rows": ' + deep_json(DEEP) + "}",
                                  "{" * DEEP, '{"rows": [1e999999, NaN]}', "\ud800", ""])
@pytest.mark.parametrize("path", ["/api/v1/users/bulk", "/api/v1/assignments"])
def test_api_bodies_nested_deep_or_broken_are_400(api, body, path):
    response = api.client.post(path, data=body.encode("utf-8", "surrogatepass"),
                               headers={**api.headers, "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, response.data[:200]
    assert response.json["error"]["message"]
