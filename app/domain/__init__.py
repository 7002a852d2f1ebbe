"""Pure domain: the client-file lifecycle, the Manage-menu rules, the gatekeeper verdict.

Nothing here imports SQLAlchemy, Celery or does any I/O.
"""
