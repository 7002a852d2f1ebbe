"""Every API call the clients make, as a plan: method, path, body, and the API's own
pydantic model to read the answer into."""

from __future__ import annotations

import uuid
from typing import Any

from app.api.consent_schemas import AttachRequestOut, InvitationOut
from app.api.exports import ExportOut
from app.api.schemas import (
    ActionsOut,
    DocumentOut,
    DocumentPageOut,
    FileListOut,
    FileOut,
    JobOut,
    UploadOut,
)
from app.client.core import FileSource, Plan, UploadBody

Id = uuid.UUID | str


def upload(
    client_file_id: Id, file: FileSource, filename: str | None, key: str | None
) -> Plan[UploadOut]:
    return Plan(
        "POST",
        f"/v1/client-files/{client_file_id}/documents",
        UploadOut.model_validate,
        upload=UploadBody(file, filename),
        idempotency_key=key,
    )


def document(document_id: Id) -> Plan[DocumentOut]:
    return Plan("GET", f"/v1/documents/{document_id}", DocumentOut.model_validate)


def documents(client_file_id: Id, limit: int, offset: int) -> Plan[DocumentPageOut]:
    return Plan(
        "GET",
        f"/v1/client-files/{client_file_id}/documents",
        DocumentPageOut.model_validate,
        params={"limit": limit, "offset": offset},
    )


def client_file(client_file_id: Id) -> Plan[FileOut]:
    return Plan("GET", f"/v1/client-files/{client_file_id}", FileOut.model_validate)


def client_files(status: str) -> Plan[FileListOut]:
    return Plan("GET", "/v1/client-files", FileListOut.model_validate, params={"status": status})


def actions(client_file_id: Id) -> Plan[ActionsOut]:
    return Plan("GET", f"/v1/client-files/{client_file_id}/actions", ActionsOut.model_validate)


def job(job_id: Id) -> Plan[JobOut]:
    return Plan("GET", f"/v1/lifecycle-jobs/{job_id}", JobOut.model_validate)


def lifecycle(
    client_file_id: Id, action: str, body: dict[str, Any] | None, key: str | None
) -> Plan[JobOut]:
    """deactivate, reactivate, detach, delete, subscribe."""
    return Plan(
        "POST",
        f"/v1/client-files/{client_file_id}/{action}",
        JobOut.model_validate,
        json=body,
        idempotency_key=key,
    )


def invite(
    client_file_id: Id, email: str, name: str | None, key: str | None
) -> Plan[InvitationOut]:
    """A pending invitation; the person gets access once they accept its code."""
    path = f"/v1/client-files/{client_file_id}/invitations"
    body = {"email": email, "name": name}
    return Plan("POST", path, InvitationOut.model_validate, json=body, idempotency_key=key)


def ask_to_attach(
    client_file_id: Id, practice_email: str, key: str | None
) -> Plan[AttachRequestOut]:
    """A pending request; the practice's staff accept or decline it."""
    path = f"/v1/client-files/{client_file_id}/attach"
    body = {"practice_email": practice_email}
    return Plan("POST", path, AttachRequestOut.model_validate, json=body, idempotency_key=key)


def cancel_attach_request(request_id: Id, key: str | None) -> Plan[AttachRequestOut]:
    """The asker takes a pending request back."""
    path = f"/v1/attach-requests/{request_id}/cancel"
    return Plan("POST", path, AttachRequestOut.model_validate, idempotency_key=key)


def export(client_file_id: Id, key: str | None) -> Plan[ExportOut]:
    path = f"/v1/client-files/{client_file_id}/exports"
    return Plan("POST", path, ExportOut.model_validate, idempotency_key=key)


def cancel_deletion(client_file_id: Id, key: str | None) -> Plan[JobOut]:
    path = f"/v1/client-files/{client_file_id}/cancel-deletion"
    return Plan("POST", path, JobOut.model_validate, idempotency_key=key)


def retry(document_id: Id, key: str | None) -> Plan[JobOut]:
    path = f"/v1/documents/{document_id}/retry"
    return Plan("POST", path, JobOut.model_validate, idempotency_key=key)


def resend(client_file_id: Id, which: str, key: str | None) -> Plan[JobOut]:
    path = f"/v1/client-files/{client_file_id}/resend"
    return Plan("POST", path, JobOut.model_validate, json={"which": which}, idempotency_key=key)
