"""Index documents by (client file, id): deletion walks a file in id order by batches,
and without it each batch sorted everything left of the file.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 02:45:00
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index("ix_documents_file_id", ["client_file_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_file_id")
