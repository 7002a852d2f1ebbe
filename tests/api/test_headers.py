"""Security headers on every answer, errors included; a CSP the docs page can live with."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World


@pytest.mark.parametrize(
    ("method", "path", "who"),
    [
        ("GET", "/healthz", "anonymous"),
        ("GET", "/v1/client-files", "staff_a"),
        ("GET", "/v1/client-files", "anonymous"),  # 401
        ("GET", "/v1/client-files/not-an-id", "staff_a"),  # 422
        ("GET", "/v1/nowhere", "staff_a"),  # 404
        ("PATCH", "/v1/client-files", "staff_a"),  # 405
        ("OPTIONS", "/v1/client-files", "anonymous"),  # 204
        ("GET", "/openapi.json", "anonymous"),
    ],
)
def test_every_answer_carries_the_security_headers(
    client: TestClient, world: World, method: str, path: str, who: str
) -> None:
    response = client.request(method, path, headers=world.auth(who))

    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


def test_the_docs_page_may_load_swagger_ui_and_nothing_else(client: TestClient) -> None:
    response = client.get("/docs")
    policy = response.headers["content-security-policy"]

    assert response.status_code == 200
    assert "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net" in policy
    assert "frame-ancestors 'none'" in policy
    assert "cdn.jsdelivr.net" in response.text  # what the policy lets in is what it loads
