"""Scheduled lifecycle actions

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduled_actions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_file_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=60), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("cancelled_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_actions")),
    )
    with op.batch_alter_table("scheduled_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scheduled_actions_client_file_id"), ["client_file_id"], unique=False
        )
        batch_op.create_index(
            "ix_scheduled_actions_status_run_at", ["status", "run_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("scheduled_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_scheduled_actions_status_run_at")
        batch_op.drop_index(batch_op.f("ix_scheduled_actions_client_file_id"))
    op.drop_table("scheduled_actions")
