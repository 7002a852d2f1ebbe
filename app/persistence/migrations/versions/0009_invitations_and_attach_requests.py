"""Invitations to a client file and requests to attach a file to a practice

Until now a person was given access to a file at once, and a client attached its file to
any practice by id. An invitation now waits to be accepted with its token (only the hash
is kept); a request to attach waits for the practice to answer.

Revision ID: 0009
Revises: 0013
Create Date: 2026-11-30 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_file_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("invited_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_file_id"],
            ["client_files.id"],
            name=op.f("fk_invitations_client_file_id_client_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invitations_file_status", ["client_file_id", "status"], unique=False
        )
    op.create_table(
        "attach_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_file_id", sa.Uuid(), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=True),
        sa.Column("requested_by", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_file_id"],
            ["client_files.id"],
            name=op.f("fk_attach_requests_client_file_id_client_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attach_requests")),
    )
    with op.batch_alter_table("attach_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attach_requests_client_file_id"), ["client_file_id"], unique=False
        )
        batch_op.create_index(
            "ix_attach_requests_practice_status", ["practice_id", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("attach_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_attach_requests_practice_status")
        batch_op.drop_index(batch_op.f("ix_attach_requests_client_file_id"))
    op.drop_table("attach_requests")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index("ix_invitations_file_status")
    op.drop_table("invitations")
