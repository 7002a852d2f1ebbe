"""Blobs in a directory, for processes that share one machine (or one volume)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from app.storage.base import COPY_CHUNK, DELETE_PROGRESS_EVERY, DeleteProgress


def _root_fd() -> int | None:
    try:
        return os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None


# Linux only; kept open for the process's life (the file system's root).
_ROOT_FD = _root_fd() if hasattr(os, "O_TMPFILE") else None
_TMPFILE: int = getattr(os, "O_TMPFILE", 0) if _ROOT_FD is not None else 0


def _write_all(fd: int, stream: BinaryIO) -> None:
    while chunk := stream.read(COPY_CHUNK):
        view = memoryview(chunk)
        while view:
            view = view[os.write(fd, view) :]


class LocalBlobStore:
    """A directory. Writes are atomic (temp file + rename), so a crash leaves no torn blob."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._resolved_root = str(root.resolve())

    def _path(self, key: str) -> Path:
        # A lexical check against the root resolved once: keys are Dossier's own ids and
        # hashes, and resolving every key's symlinks made a big deletion's unlinks
        # several times slower.
        path = os.path.normpath(os.path.join(self._resolved_root, key))
        if not path.startswith(self._resolved_root + os.sep):
            raise ValueError(f"blob key escapes the storage directory: {key!r}")
        return Path(path)

    def put(self, key: str, data: bytes) -> None:
        self.put_stream(key, io.BytesIO(data))

    def put_stream(self, key: str, stream: BinaryIO) -> None:
        path = self._path(key)
        if _TMPFILE and self._link_new(path, stream):
            return
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        except FileNotFoundError:
            # The directory's first blob; later ones spare the mkdir.
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                shutil.copyfileobj(stream, handle, COPY_CHUNK)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _link_new(self, path: Path, stream: BinaryIO) -> bool:
        """Write a new blob as a file without a name (O_TMPFILE), then give it its name:
        it appears whole or not at all, as with a temporary file renamed, for a third of
        the kernel's work (one directory entry made instead of one made, one moved).
        False, having written nothing, when the key exists (the renamed temporary file
        then replaces it, as before), the directory is missing, or the file system or
        system cannot (no O_TMPFILE, no /proc, linking refused): the caller writes it the
        usual way."""
        try:
            fd = os.open(path.parent, _TMPFILE | os.O_WRONLY, 0o600)
        except OSError:
            return False
        try:
            _write_all(fd, stream)
            # linkat(2) through /proc follows the descriptor's link: `src_dir_fd` makes
            # os.link call linkat rather than link(2), which would not.
            os.link(f"proc/self/fd/{fd}", path, src_dir_fd=_ROOT_FD, follow_symlinks=True)
        except OSError:
            # Mostly an existing key; a failure of the disk itself recurs the usual way.
            stream.seek(0)
            return False
        finally:
            os.close(fd)
        return True

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> bool:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            return False
        return True

    def delete_prefix(self, prefix: str, progress: DeleteProgress | None = None) -> int:
        folder = self._path(prefix)
        removed = 0
        # Unlinked in the order the directory lists them, which is what the file system
        # finds fastest; a directory listed while it shrinks is listed again until empty.
        while True:
            found = self._unlink_tree(folder, removed, progress)
            if found == 0:
                break
            removed += found
        with contextlib.suppress(OSError):
            folder.rmdir()
        if progress is not None and removed % DELETE_PROGRESS_EVERY:
            progress(removed)
        return removed

    def _unlink_tree(self, folder: Path, before: int, progress: DeleteProgress | None) -> int:
        removed = 0
        try:
            entries = os.scandir(folder)
        except (FileNotFoundError, NotADirectoryError):
            return 0
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    removed += self._unlink_tree(Path(entry.path), before + removed, progress)
                    with contextlib.suppress(OSError):
                        os.rmdir(entry.path)
                    continue
                with contextlib.suppress(FileNotFoundError):
                    self._unlink(entry.path)
                    removed += 1
                    if progress is not None and (before + removed) % DELETE_PROGRESS_EVERY == 0:
                        progress(before + removed)
        return removed

    def _unlink(self, path: str) -> None:
        os.unlink(path)

    def count_prefix(self, prefix: str) -> int:
        folder = self._path(prefix)
        return sum(1 for item in folder.rglob("*") if item.is_file()) if folder.is_dir() else 0

    def older_than(self, prefix: str, before: datetime) -> Iterator[str]:
        folder = self._path(prefix)
        if not folder.is_dir():
            return
        limit = before.timestamp()
        for path in folder.rglob("*"):
            with contextlib.suppress(FileNotFoundError):
                if path.is_file() and path.stat().st_mtime < limit:
                    yield path.relative_to(self._resolved_root).as_posix()
