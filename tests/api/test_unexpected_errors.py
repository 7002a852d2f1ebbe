"""An error nobody planned for still answers in the documented shape, and is logged."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from app.services import queries
from tests.api.conftest import World


def test_an_unexpected_error_is_a_json_500_and_its_traceback_is_logged(
    client: TestClient,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # GIVEN a service that breaks in a way no handler knows
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(queries, "list_files", broken)

    # WHEN a request reaches it
    with caplog.at_level(logging.ERROR, logger="dossier.api"):
        response = client.get("/v1/client-files", headers=world.auth("staff_a"))

    # THEN the answer is a 500 in the error shape, saying nothing of the cause
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "internal_error"
    assert "logged" in error["message"]
    assert "fire" not in response.text
    # AND the traceback is in the log, for the operator
    assert any(record.exc_info and "fire" in str(record.exc_info[1]) for record in caplog.records)
