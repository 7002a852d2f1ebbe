"""Task modules; importing this package registers every task."""

from worker.tasks import documents, exports, ingest, lifecycle, maintenance, retries, schedules

__all__ = [
    "documents",
    "exports",
    "ingest",
    "lifecycle",
    "maintenance",
    "retries",
    "schedules",
]
