"""Use cases. They take a unit of work, return typed results, never commit on their own
behalf beyond their unit of work and never import Celery."""
