"""Both blob stores keep the same contract: the local directory and an S3-compatible
bucket (moto's in-process S3)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from app.config import Settings
from app.storage import DELETE_PROGRESS_EVERY, BlobStore, LocalBlobStore, make_blob_store
from app.storage.s3 import S3BlobStore

BUCKET = "dossier-test-blobs"


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    if request.param == "local":
        yield LocalBlobStore(tmp_path / "blobs")
        return
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        yield S3BlobStore(BUCKET, prefix="tenant-a", client=client)


def test_put_get_exists_delete(store: BlobStore) -> None:
    store.put("file-1/abc", b"%PDF-1.7 receipt")

    assert store.exists("file-1/abc")
    assert store.get("file-1/abc") == b"%PDF-1.7 receipt"
    assert store.delete("file-1/abc") is True
    assert not store.exists("file-1/abc")
    assert store.delete("file-1/abc") is False


def test_a_missing_blob_is_file_not_found(store: BlobStore) -> None:
    with pytest.raises(FileNotFoundError):
        store.get("file-1/never-written")
    with pytest.raises(FileNotFoundError):
        store.open("file-1/never-written")


def test_a_blob_opens_as_a_stream_read_in_parts(store: BlobStore) -> None:
    store.put("file-1/zip", b"PK" + b"\x00" * 5000 + b"end")

    with store.open("file-1/zip") as stream:
        parts = [stream.read(4096), stream.read(4096), stream.read(4096)]

    assert [len(part) for part in parts] == [4096, 5005 - 4096, 0]
    assert b"".join(parts).endswith(b"end")


def test_delete_prefix_removes_one_file_and_spares_its_neighbours(store: BlobStore) -> None:
    for index in range(5):
        store.put(f"file-1/{index:064x}", b"x")
    store.put("file-10/kept", b"neighbour whose id starts alike")
    store.put("file-2/kept", b"neighbour")

    assert store.count_prefix("file-1") == 5
    assert store.delete_prefix("file-1") == 5

    assert store.count_prefix("file-1") == 0
    assert store.get("file-10/kept") == b"neighbour whose id starts alike"
    assert store.get("file-2/kept") == b"neighbour"


def test_a_big_prefix_goes_a_chunk_at_a_time_with_its_progress(store: BlobStore) -> None:
    for index in range(2 * DELETE_PROGRESS_EVERY + 7):
        store.put(f"file-1/{index:064x}", b"x")
    store.put("file-1/nested/export.zip", b"a blob one level down")
    store.put("file-2/kept", b"neighbour")
    reported: list[int] = []

    removed = store.delete_prefix("file-1", reported.append)

    assert removed == 2 * DELETE_PROGRESS_EVERY + 8
    assert reported[-1] == removed
    assert reported == sorted(reported)
    assert len(reported) >= 3  # at least once per chunk, not only at the end
    assert store.count_prefix("file-1") == 0
    assert store.get("file-2/kept") == b"neighbour"


def test_keys_cannot_escape(store: BlobStore) -> None:
    with pytest.raises(ValueError, match="key"):
        store.put("../outside", b"x")


def test_the_settings_choose_the_store(tmp_path: Path) -> None:
    local = make_blob_store(Settings(storage_dir=tmp_path / "blobs"))
    assert isinstance(local, LocalBlobStore)
    with mock_aws():
        remote = make_blob_store(Settings(storage_s3_bucket=BUCKET, storage_s3_prefix="/dossier/"))
    assert isinstance(remote, S3BlobStore)
    assert remote.prefix == "dossier/"


class RefusingDeletes:
    """An S3 client whose DeleteObjects refuses one key, as a bucket policy might."""

    def __init__(self, client: object) -> None:
        self._client = client

    def __getattr__(self, name: str) -> object:
        return getattr(self._client, name)

    def delete_objects(self, **request: object) -> dict[str, object]:
        return {"Errors": [{"Key": "file-1/a", "Code": "AccessDenied", "Message": "Denied"}]}


def test_an_s3_deletion_that_refuses_keys_is_an_error_not_a_success() -> None:
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        S3BlobStore(BUCKET, client=client).put("file-1/a", b"x")
        store = S3BlobStore(BUCKET, client=RefusingDeletes(client))  # type: ignore[arg-type]

        with pytest.raises(OSError, match=r"refused to delete 1 of 1 blobs.*AccessDenied"):
            store.delete_prefix("file-1")


def test_older_than_lists_a_prefix_by_when_its_blobs_were_written(store: BlobStore) -> None:
    from datetime import UTC, datetime, timedelta

    store.put("incoming/a.pdf", b"a")
    store.put("incoming/scanner/b.pdf", b"b")
    store.put("file-1/c", b"c")
    now = datetime.now(UTC)

    assert sorted(store.older_than("incoming", now + timedelta(minutes=1))) == [
        "incoming/a.pdf",
        "incoming/scanner/b.pdf",
    ]
    assert list(store.older_than("incoming", now - timedelta(minutes=1))) == []
    assert list(store.older_than("nothing-here", now + timedelta(minutes=1))) == []


@pytest.mark.parametrize("unnamed_files", [True, False], ids=["o_tmpfile", "renamed"])
def test_local_writes_whole_blobs_replace_and_leave_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unnamed_files: bool
) -> None:
    """A new blob is written unnamed then linked (where the system can) or written to a
    temporary file then renamed; either way the key then holds all of it, a second write
    to the key replaces it, and nothing else is left in the directory."""
    from app.storage import local

    if not unnamed_files:
        monkeypatch.setattr(local, "_TMPFILE", 0)
    store = LocalBlobStore(tmp_path / "blobs")
    big = b"%PDF" + bytes(range(256)) * 9000  # past one copy chunk

    store.put_stream("file-1/new", io.BytesIO(big))
    store.put_stream("file-1/new", io.BytesIO(b"replaced"))
    store.put_stream("file-2/other", io.BytesIO(b"first of its directory"))

    assert store.get("file-1/new") == b"replaced"
    assert store.get("file-2/other") == b"first of its directory"
    assert sorted(p.name for p in (tmp_path / "blobs").rglob("*")) == [
        "file-1", "file-2", "new", "other"
    ]  # fmt: skip
    assert (tmp_path / "blobs" / "file-1" / "new").stat().st_mode & 0o777 == 0o600


def test_local_blob_written_unnamed_where_the_system_can(tmp_path: Path) -> None:
    """On Linux a new blob takes one link, not a rename: no temporary name is created."""
    import os

    from app.storage import local

    if not local._TMPFILE:
        pytest.skip("no O_TMPFILE here: blobs are written to a temporary file and renamed")
    store = LocalBlobStore(tmp_path / "blobs")
    store.put("file-1/seed", b"seed")  # the directory exists
    made: list[str] = []
    real_open = os.open

    def recording_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        made.append(str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(local.os, "open", recording_open)
        store.put_stream("file-1/new", io.BytesIO(b"receipt"))

    assert made == [str(tmp_path / "blobs" / "file-1")]
    assert store.get("file-1/new") == b"receipt"


def test_local_blob_is_written_the_usual_way_where_linking_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.storage import local

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError("linkat refused")

    monkeypatch.setattr(local.os, "link", refused)
    store = LocalBlobStore(tmp_path / "blobs")

    store.put_stream("file-1/new", io.BytesIO(b"receipt"))

    assert store.get("file-1/new") == b"receipt"
    assert [p.name for p in (tmp_path / "blobs" / "file-1").iterdir()] == ["new"]
