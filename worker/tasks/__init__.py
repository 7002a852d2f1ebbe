"""Task modules; importing this package registers every task."""

from worker.tasks import documents, exports, lifecycle, mail, maintenance, retries, schedules

__all__ = ["documents", "exports", "lifecycle", "mail", "maintenance", "retries", "schedules"]
