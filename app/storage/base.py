"""What every blob store offers. Keys are `<client file id>/<sha256>`, so one prefix holds a
whole file."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import BinaryIO, Protocol

COPY_CHUNK = 1024 * 1024
# A prefix deletion reports its progress after every this many blobs.
DELETE_PROGRESS_EVERY = 1000

# Called with the number of blobs a prefix deletion has removed so far.
DeleteProgress = Callable[[int], None]


def blob_key(client_file_id: uuid.UUID, sha256: str) -> str:
    return f"{client_file_id}/{sha256}"


class BlobStore(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def put_stream(self, key: str, stream: BinaryIO) -> None: ...

    def get(self, key: str) -> bytes: ...

    def open(self, key: str) -> BinaryIO:
        """The blob as a stream to read from (and close); FileNotFoundError if missing."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> bool: ...

    def delete_prefix(self, prefix: str, progress: DeleteProgress | None = None) -> int:
        """Remove every blob under `prefix`, streaming (never every key in memory at
        once); return how many were removed."""
        ...

    def count_prefix(self, prefix: str) -> int: ...

    def older_than(self, prefix: str, before: datetime) -> Iterator[str]:
        """The keys under `prefix` last written before `before`, streamed."""
        ...
