"""seen_events: Events API deliveries already taken, so Slack's retries are not redone

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seen_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("received_at", store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_seen_events")),
    )
    with op.batch_alter_table("seen_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_seen_events_received_at"), ["received_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("seen_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seen_events_received_at"))

    op.drop_table("seen_events")
