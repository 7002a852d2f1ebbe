"""Practice events: the audit of a practice's people and API tokens

Staff added, removed, disabled or enabled, and tokens created or revoked, belong to no
client file, so they are not lifecycle events: they get a table of their own, read by the
practice's admins (`GET /v1/practice-events`).

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practice_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("token_id", sa.Uuid(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_events")),
    )
    with op.batch_alter_table("practice_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_practice_events_practice_created",
            ["practice_id", "created_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("practice_events", schema=None) as batch_op:
        batch_op.drop_index("ix_practice_events_practice_created")
    op.drop_table("practice_events")
