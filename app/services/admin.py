"""Bootstrap: practices, their staff and client files (the operator's and the demo's)."""

from __future__ import annotations

import uuid

from app.domain import text
from app.domain.model import Billing, FileStatus, Role
from app.errors import InvalidInput, NotFound
from app.persistence.models import ClientFile, Practice, User
from app.persistence.uow import UnitOfWork


def create_practice(uow: UnitOfWork, name: str) -> uuid.UUID:
    with uow:
        practice = uow.users.add_practice(Practice(id=uuid.uuid4(), name=_name(name)))
        uow.commit()
        return practice.id


def create_staff_user(
    uow: UnitOfWork, practice_id: uuid.UUID, name: str, email: str, *, is_admin: bool = False
) -> uuid.UUID:
    with uow:
        if uow.users.practice(practice_id) is None:
            raise NotFound("No such practice.", practice_id=practice_id)
        email = _email(email)
        # The unique address decides, also between two requests at the same moment.
        user, created = uow.users.add_unless_present(
            User(
                id=uuid.uuid4(),
                name=_name(name),
                email=email,
                role=Role.STAFF,
                practice_id=practice_id,
                is_admin=is_admin,
            )
        )
        if not created:
            # The same answer whoever holds the address: nothing is said about them.
            raise InvalidInput("This e-mail address cannot be added as staff.")
        uow.commit()
        return user.id


def create_client_file(uow: UnitOfWork, practice_id: uuid.UUID, name: str) -> uuid.UUID:
    """A new client file, included in the practice's subscription and active."""
    with uow:
        if uow.users.practice(practice_id) is None:
            raise NotFound("No such practice.", practice_id=practice_id)
        client_file = uow.files.add(
            ClientFile(
                id=uuid.uuid4(),
                name=_name(name),
                practice_id=practice_id,
                billing=Billing.PRACTICE,
                status=FileStatus.ACTIVE,
            )
        )
        uow.commit()
        return client_file.id


def _name(name: str) -> str:
    try:
        return text.checked(name, max_length=200, what="The name")
    except text.TextError as problem:
        raise InvalidInput(str(problem)) from None


def _email(email: str) -> str:
    try:
        return text.checked_email(email)
    except text.TextError as problem:
        raise InvalidInput(str(problem)) from None
