"""Who may know a client file exists: the one check every use case makes before it reads
or changes a file. A file the actor may not see is "not found", never "forbidden": its
existence is not theirs to learn."""

from __future__ import annotations

import uuid
from typing import Literal

from app.domain.model import Actor, FileStatus
from app.errors import NotFound
from app.persistence.models import ClientFile
from app.persistence.uow import UnitOfWork

Lock = Literal["update", "share"] | None


def visible_file(
    uow: UnitOfWork,
    actor: Actor | None,
    client_file_id: uuid.UUID,
    *,
    lock: Lock = None,
    in_grace: bool = False,
    document_id: uuid.UUID | None = None,
) -> ClientFile:
    """The file, read (or locked FOR UPDATE / FOR SHARE) if `actor` may see it; otherwise
    NotFound ("No such client file.", or "No such document." with the `document_id` the
    caller reached the file through).

    A deleted file in its grace period is hidden: every view answers not found. Only the
    callers that must still reach it (a lifecycle change, whose rules then refuse it, a
    hold, cancelling the deletion, an upload refused as `file_being_deleted`, a retry)
    pass `in_grace=True`."""
    if lock is None:
        client_file = uow.files.get(client_file_id)
    else:
        client_file = uow.files.lock(client_file_id, shared=lock == "share")
    if not sees(actor, client_file, in_grace=in_grace):
        if document_id is not None:
            raise NotFound("No such document.", document_id=document_id)
        raise NotFound("No such client file.", client_file_id=client_file_id)
    assert client_file is not None
    return client_file


def sees(actor: Actor | None, client_file: ClientFile | None, *, in_grace: bool = False) -> bool:
    """Whether `actor` may see `client_file`, a row the caller has read (or None): for the
    callers that need a yes or no rather than the file or NotFound."""
    return (
        client_file is not None
        and actor is not None
        and actor.can_see(client_file.id, client_file.practice_id)
        and (in_grace or not in_grace_period(client_file))
    )


def in_grace_period(client_file: ClientFile) -> bool:
    """Deleted, and waiting out its grace period before the purge."""
    return client_file.status is FileStatus.DELETING and client_file.purge_after is not None


def practice_filter(actor: Actor) -> uuid.UUID | None:
    """Whose work on a file `actor` may read. Staff: what their own practice's staff and
    the file's client users made, never what another practice's staff made (a file's
    former practice left its schedules and invitations behind, and the new one never
    sees them). Client users: everything on their file (None)."""
    return actor.practice_id if actor.is_staff else None


def made_by_ours(uow: UnitOfWork, actor: Actor, maker_id: uuid.UUID) -> bool:
    """Whether `actor` may see what user `maker_id` made on a file (`practice_filter`)."""
    practice_id = practice_filter(actor)
    if practice_id is None:
        return True
    maker = uow.users.get(maker_id)
    return maker is not None and maker.practice_id in (None, practice_id)
