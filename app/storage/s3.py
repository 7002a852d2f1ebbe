"""Blobs in an S3-compatible bucket, for web and worker processes on several machines.

Keys are the same `<client file id>/<sha256>` as on disk, under an optional prefix, so a
file's deletion can list and remove everything it ever stored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, BinaryIO, cast

import boto3
from botocore.exceptions import ClientError

from app.storage.base import DeleteProgress

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectTypeDef

# S3's DeleteObjects takes at most this many keys per call.
DELETE_CHUNK = 1000


class S3BlobStore:
    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        client: S3Client | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        # Credentials and region come from the usual AWS environment and files.
        self.client: S3Client = client or boto3.client("s3", endpoint_url=endpoint_url)

    def _key(self, key: str) -> str:
        if not key or key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"not a blob key: {key!r}")
        return self.prefix + key

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def put_stream(self, key: str, stream: BinaryIO) -> None:
        # Multipart for large files, in parts, never the whole file in memory.
        self.client.upload_fileobj(stream, self.bucket, self._key(key))

    def get(self, key: str) -> bytes:
        with self.open(key) as body:
            return body.read()

    def open(self, key: str) -> BinaryIO:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if _missing(error):
                raise FileNotFoundError(key) from error
            raise
        # botocore's StreamingBody: read(size) and close(), straight from the connection.
        return cast(BinaryIO, response["Body"])

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if _missing(error):
                return False
            raise
        return True

    def delete(self, key: str) -> bool:
        existed = self.exists(key)
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        return existed

    def delete_prefix(self, prefix: str, progress: DeleteProgress | None = None) -> int:
        # One listed page (at most 1,000 keys) removed with one DeleteObjects call, page
        # by page: a file of any size never has all its keys in memory.
        removed = 0
        for page in self._pages_under(prefix):
            keys = [item["Key"] for item in page]
            response = self.client.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True},
            )
            # Quiet mode lists only the keys that failed; a deletion must not pass over them.
            failed = response.get("Errors", [])
            if failed:
                first = failed[0]
                example = f"{first.get('Key')}: {first.get('Code')} {first.get('Message')}"
                raise OSError(
                    f"S3 refused to delete {len(failed)} of {len(keys)} blobs under "
                    f"{prefix!r}, e.g. {example}"
                )
            removed += len(keys)
            if progress is not None:
                progress(removed)
        return removed

    def count_prefix(self, prefix: str) -> int:
        return sum(len(page) for page in self._pages_under(prefix))

    def older_than(self, prefix: str, before: datetime) -> Iterator[str]:
        for page in self._pages_under(prefix):
            for item in page:
                if item["LastModified"] < before:
                    yield item["Key"][len(self.prefix) :]

    def _pages_under(self, prefix: str) -> Iterator[list[ObjectTypeDef]]:
        folder = self._key(prefix).rstrip("/") + "/"
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=folder, PaginationConfig={"PageSize": DELETE_CHUNK}
        )
        for page in pages:
            contents = page.get("Contents", [])
            if contents:
                yield contents


def _missing(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    return code in {"404", "NoSuchKey", "NotFound"}
