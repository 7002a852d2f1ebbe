"""Every lifecycle path over HTTP, against the real processes: create, upload,
deactivate, upload (skipped), reactivate, detach, delete."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Deployment, poll

pytestmark = pytest.mark.integration

SETTLED = {"extracted", "skipped", "failed"}


def receipt(label: str) -> dict[str, tuple[str, bytes, str]]:
    text = f"Boulangerie {label}\nDate 2026-03-01\nTotal 12.40 EUR\n".encode()
    return {"file": (f"{label}.txt", text, "text/plain")}


def new_file(deployment: Deployment, staff: httpx.Client, practice_id: uuid.UUID) -> str:
    from app.services import admin

    return str(admin.create_client_file(deployment.runtime.uow(), practice_id, "Client"))


def upload_settled(api: httpx.Client, file_id: str, label: str) -> dict[str, Any]:
    response = api.post(f"/v1/client-files/{file_id}/documents", files=receipt(label))
    assert response.status_code == 202, response.text
    return poll(api, f"/v1/documents/{response.json()['id']}", lambda d: d["status"] in SETTLED)


def run_job(api: httpx.Client, file_id: str, action: str, **body: Any) -> dict[str, Any]:
    response = api.post(f"/v1/client-files/{file_id}/{action}", json=body or None)
    assert response.status_code == 202, response.text
    job_path = f"/v1/lifecycle-jobs/{response.json()['id']}"
    job = poll(api, job_path, lambda j: j["status"] in {"done", "refused"})
    assert job["status"] == "done", (job["reason"], job["message"])
    return job


@pytest.fixture(scope="module")
def practice(deployment: Deployment) -> tuple[uuid.UUID, httpx.Client]:
    practice_id, token = deployment.practice("Cabinet Martin")
    return practice_id, deployment.client(token)


def test_the_probes_answer(deployment: Deployment) -> None:
    with deployment.client() as anonymous:
        assert anonymous.get("/healthz").status_code == 200
        assert anonymous.get("/readyz").json()["broker"] == "ok"
        assert anonymous.get("/v1/client-files").status_code == 401


def test_an_upload_is_extracted(deployment: Deployment, practice: Any) -> None:
    practice_id, staff = practice
    file_id = new_file(deployment, staff, practice_id)

    document = upload_settled(staff, file_id, "first")

    assert document["status"] == "extracted", document
    assert document["fields"] is not None


def test_deactivate_skips_new_uploads_and_reactivate_resends_them(
    deployment: Deployment, practice: Any
) -> None:
    practice_id, staff = practice
    file_id = new_file(deployment, staff, practice_id)

    run_job(staff, file_id, "deactivate")
    skipped = upload_settled(staff, file_id, "while-deactivated")
    assert (skipped["status"], skipped["reason"]) == ("skipped", "client_file_deactivated")

    job = run_job(staff, file_id, "reactivate", reprocess_skipped=True)

    assert job["counts"]["documents_resent"] == 1
    resent = poll(staff, f"/v1/documents/{skipped['id']}", lambda d: d["status"] == "extracted")
    assert resent["fields"] is not None
    assert upload_settled(staff, file_id, "after")["status"] == "extracted"


def test_detach_leaves_the_client_everything_and_the_practice_nothing(
    deployment: Deployment, practice: Any
) -> None:
    practice_id, staff = practice
    file_id = new_file(deployment, staff, practice_id)
    document = upload_settled(staff, file_id, "before-detach")
    email = f"owner-{uuid.uuid4().hex[:6]}@client.test"
    invited = staff.post(f"/v1/client-files/{file_id}/invitations", json={"email": email})
    assert invited.status_code == 201
    owner = deployment.client(deployment.accept_invitation(email))
    refused = staff.post(f"/v1/client-files/{file_id}/delete")
    assert (refused.status_code, refused.json()["error"]["reason"]) == (409, "has_client_users")

    run_job(staff, file_id, "detach")

    for path in (f"/v1/client-files/{file_id}", f"/v1/documents/{document['id']}"):
        assert staff.get(path).status_code == 404
        assert owner.get(path).status_code == 200
    assert owner.get(f"/v1/client-files/{file_id}").json()["billing"] == "none"
    assert owner.post(f"/v1/client-files/{file_id}/subscribe").status_code == 202
    assert upload_settled(owner, file_id, "own-plan")["status"] == "extracted"


def test_a_detached_client_attaches_its_file_to_another_practice(
    deployment: Deployment, practice: Any
) -> None:
    practice_id, staff = practice
    other_id, other_token = deployment.practice("Fiduciaire Leroy")
    other = deployment.client(other_token)
    file_id = new_file(deployment, staff, practice_id)
    email = f"owner-{uuid.uuid4().hex[:6]}@client.test"
    invited = staff.post(f"/v1/client-files/{file_id}/invitations", json={"email": email})
    assert invited.json()["status"] == "pending", invited.text
    owner = deployment.client(deployment.accept_invitation(email))
    run_job(staff, file_id, "detach")
    asked = owner.post(
        f"/v1/client-files/{file_id}/attach",
        json={"practice_email": deployment.staff_email(other_id)},
    )
    assert other.get(f"/v1/client-files/{file_id}").status_code == 404

    attached = other.post(f"/v1/attach-requests/{asked.json()['id']}/accept")

    assert (attached.status_code, attached.json()["status"]) == (200, "accepted")
    listed = other.get("/v1/client-files").json()["items"]
    assert file_id in [item["id"] for item in listed]
    assert upload_settled(other, file_id, "new-practice")["status"] == "extracted"


def test_delete_removes_everything_and_reports_counts(
    deployment: Deployment, practice: Any
) -> None:
    practice_id, staff = practice
    file_id = new_file(deployment, staff, practice_id)
    documents = [upload_settled(staff, file_id, f"doomed-{n}") for n in range(3)]

    job = run_job(staff, file_id, "delete")

    assert job["counts"]["documents_deleted"] == 3
    assert staff.get(f"/v1/client-files/{file_id}").status_code == 404
    for document in documents:
        assert staff.get(f"/v1/documents/{document['id']}").status_code == 404
    blobs = deployment.runtime.blobs
    assert blobs.count_prefix(file_id) == 0
