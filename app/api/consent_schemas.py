"""Bodies of the people endpoints: invitations, client users, attach requests."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from app.api.schemas import Body, Email, Name


class InviteIn(Body):
    email: Email = Field(description="Where the invitation is sent.")
    name: Name | None = Field(default=None, description="Their name, if they have no account.")


class InvitationOut(BaseModel):
    id: uuid.UUID
    client_file_id: uuid.UUID
    email: str
    status: str = Field(description="pending, accepted, revoked or expired.")
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None = None


class InvitationListOut(BaseModel):
    items: list[InvitationOut]


class AcceptIn(Body):
    token: str = Field(
        min_length=1, max_length=200, description="The invitation code from the invitation mail."
    )


class WelcomeOut(BaseModel):
    user_id: uuid.UUID
    client_file_id: uuid.UUID
    token: str = Field(description="Your own API token; shown this once.")
    token_id: uuid.UUID


class ClientUserOut(BaseModel):
    user_id: uuid.UUID
    name: str
    email: str


class ClientUserListOut(BaseModel):
    items: list[ClientUserOut]


class AttachIn(Body):
    practice_email: Email = Field(
        description="The address the practice gave you (one of its staff's)."
    )


class AttachRequestOut(BaseModel):
    id: uuid.UUID
    client_file_id: uuid.UUID
    status: str = Field(description="pending, accepted, declined or withdrawn.")
    created_at: datetime
    decided_at: datetime | None = None
    job_id: uuid.UUID | None = None


class AttachRequestListOut(BaseModel):
    items: list[AttachRequestOut]


class IncomingRequestOut(BaseModel):
    id: uuid.UUID
    client_file_id: uuid.UUID
    client_file_name: str
    requested_by: str = Field(description="The e-mail address of the client user asking.")
    created_at: datetime


class IncomingRequestListOut(BaseModel):
    items: list[IncomingRequestOut]
