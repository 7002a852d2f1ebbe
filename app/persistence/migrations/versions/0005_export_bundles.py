"""Export bundles

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_bundles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_file_id", sa.Uuid(), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("documents_done", sa.Integer(), nullable=False),
        sa.Column("documents_total", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_file_id"],
            ["client_files.id"],
            name=op.f("fk_export_bundles_client_file_id_client_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_bundles")),
    )
    with op.batch_alter_table("export_bundles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_export_bundles_client_file_id"), ["client_file_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("export_bundles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_bundles_client_file_id"))
    op.drop_table("export_bundles")
