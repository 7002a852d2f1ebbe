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
    hidden_in_grace: bool = False,
) -> ClientFile:
    """The file, read (or locked FOR UPDATE / FOR SHARE) if `actor` may see it; otherwise
    NotFound. With `hidden_in_grace`, a deleted file in its grace period is not found
    either (only cancelling the deletion may still reach it)."""
    if lock is None:
        client_file = uow.files.get(client_file_id)
    else:
        client_file = uow.files.lock(client_file_id, shared=lock == "share")
    if (
        client_file is None
        or actor is None
        or not actor.can_see(client_file.id, client_file.practice_id)
        or (
            hidden_in_grace
            and client_file.status is FileStatus.DELETING
            and client_file.purge_after is not None
        )
    ):
        raise NotFound("No such client file.", client_file_id=client_file_id)
    return client_file
