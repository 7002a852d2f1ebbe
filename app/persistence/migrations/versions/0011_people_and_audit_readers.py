"""Staff admins, disabled users, token expiry and last use, and who reads each event.

`users.is_admin` lets a practice manage its own staff: the first staff member of each
existing practice becomes its admin. `users.disabled_at` stops a user's tokens.
`api_tokens` gain the shown prefix (none for tokens made before: their secret is not
kept), an expiry (none for those: they were issued without one) and the last use.
`lifecycle_events.to_practice_id` is the practice the change left the file attached to,
read back from each event's `to` state; with `practice_id` (before) it says which
practices may read the event.

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-30 06:00:00
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prefix", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("lifecycle_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("to_practice_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            "ix_lifecycle_events_practice_created", ["practice_id", "created_at", "id"]
        )
        batch_op.create_index(
            "ix_lifecycle_events_to_practice_created", ["to_practice_id", "created_at", "id"]
        )
    _first_staff_are_admins()
    _events_say_where_the_file_went()


def _first_staff_are_admins() -> None:
    users = sa.table(
        "users",
        sa.column("id", sa.Uuid()),
        sa.column("role", sa.String()),
        sa.column("practice_id", sa.Uuid()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("is_admin", sa.Boolean()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(users.c.id, users.c.practice_id)
        .where(users.c.role == "staff", users.c.practice_id.is_not(None))
        .order_by(users.c.created_at, users.c.id)
    )
    first: dict[uuid.UUID, uuid.UUID] = {}
    for user_id, practice_id in rows:
        first.setdefault(practice_id, user_id)
    for user_id in first.values():
        connection.execute(users.update().where(users.c.id == user_id).values(is_admin=True))


def _events_say_where_the_file_went() -> None:
    events = sa.table(
        "lifecycle_events",
        sa.column("id", sa.Uuid()),
        sa.column("to_state", sa.JSON()),
        sa.column("to_practice_id", sa.Uuid()),
    )
    connection = op.get_bind()
    for event_id, to_state in connection.execute(sa.select(events.c.id, events.c.to_state)):
        value = (to_state or {}).get("practice_id")
        if value:
            connection.execute(
                events.update()
                .where(events.c.id == event_id)
                .values(to_practice_id=uuid.UUID(str(value)))
            )


def downgrade() -> None:
    with op.batch_alter_table("lifecycle_events", schema=None) as batch_op:
        batch_op.drop_index("ix_lifecycle_events_to_practice_created")
        batch_op.drop_index("ix_lifecycle_events_practice_created")
        batch_op.drop_column("to_practice_id")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("prefix")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
        batch_op.drop_column("is_admin")
