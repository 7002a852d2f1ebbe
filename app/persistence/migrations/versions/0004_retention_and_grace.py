"""Retention holds and the deletion grace period on client files

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("client_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hold_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("hold_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("purge_after", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("client_files", schema=None) as batch_op:
        batch_op.drop_column("purge_after")
        batch_op.drop_column("hold_until")
        batch_op.drop_column("hold_reason")
