"""Task modules; importing this package registers every task."""

from worker.tasks import documents, lifecycle, maintenance, schedules

__all__ = ["documents", "lifecycle", "maintenance", "schedules"]
