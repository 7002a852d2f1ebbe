"""Tie each export to the practice that asked for it, and give it an end.

An export made before a detach stayed downloadable by the next practice of the file, and
exports never went away. `practice_id` is the asking practice (back-filled from the user
who asked); `expires_at` is when the cleanup removes the zip (back-filled as the creation
time plus DOSSIER_EXPORT_TTL_HOURS).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 03:00:00
"""

from __future__ import annotations

from datetime import UTC, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from app.config import get_settings

    with op.batch_alter_table("export_bundles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("practice_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_export_bundles_practice_id", ["practice_id"], unique=False)
        batch_op.create_index("ix_export_bundles_expires_at", ["expires_at"], unique=False)
    bundles = sa.table(
        "export_bundles",
        sa.column("id", sa.Uuid()),
        sa.column("requested_by", sa.Uuid()),
        sa.column("practice_id", sa.Uuid()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("expires_at", sa.DateTime(timezone=True)),
    )
    users = sa.table("users", sa.column("id", sa.Uuid()), sa.column("practice_id", sa.Uuid()))
    asker = sa.select(users.c.practice_id).where(users.c.id == bundles.c.requested_by)
    op.execute(bundles.update().values(practice_id=asker.scalar_subquery()))
    ttl = timedelta(hours=get_settings().export_ttl_hours)
    connection = op.get_bind()
    for export_id, created_at in connection.execute(sa.select(bundles.c.id, bundles.c.created_at)):
        created = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        connection.execute(
            bundles.update()
            .where(bundles.c.id == export_id)
            .values(expires_at=(created + ttl).astimezone(UTC))
        )


def downgrade() -> None:
    with op.batch_alter_table("export_bundles", schema=None) as batch_op:
        batch_op.drop_index("ix_export_bundles_expires_at")
        batch_op.drop_index("ix_export_bundles_practice_id")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("practice_id")
