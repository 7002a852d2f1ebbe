"""Every request that changes something takes an `Idempotency-Key`, except the few whose
answer holds a secret shown once or that change nothing; docs/api.md lists exactly the
keyed ones."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
CHANGES = ("post", "put", "patch", "delete")
# Why each of these has no key (docs/api.md says the same).
UNKEYED = {
    # The answer is a secret Dossier keeps only as a hash: a replay could not give it.
    ("POST", "/v1/tokens"),
    ("POST", "/v1/staff"),
    ("POST", "/v1/webhooks"),
    # No API token to own a key; the code is single-use and the answer holds a token.
    ("POST", "/v1/invitations/accept"),
    # Changes nothing.
    ("POST", "/v1/bulk-actions/dry-run"),
}


def routes(client: TestClient) -> dict[tuple[str, str], bool]:
    """Each changing route of the API, and whether it takes the header."""
    spec = client.get("/openapi.json").json()
    found = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method in CHANGES:
                names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
                found[(method.upper(), path)] = "Idempotency-Key" in names
    return found


def documented() -> set[tuple[str, str]]:
    section = API_DOC.read_text().split("### Idempotency keys", 1)[1].split("\n### ", 1)[0]
    table = section.split("| keyed request |", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `(POST|PUT|DELETE|PATCH) ([^`]+)` \|", table, flags=re.MULTILINE)
    return {(method, path) for method, path in rows}


def test_every_change_takes_a_key_but_the_listed_exceptions(client: TestClient) -> None:
    found = routes(client)

    unkeyed = {route for route, keyed in found.items() if not keyed}

    assert unkeyed == UNKEYED


def test_the_api_doc_lists_exactly_the_keyed_requests(client: TestClient) -> None:
    keyed = {route for route, is_keyed in routes(client).items() if is_keyed}

    assert documented() == keyed
