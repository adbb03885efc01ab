"""question backlog per prospect (issue 16)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 11:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# OPEN SLOT: owned by one helper; filled in or removed (and the chain relinked) before the end.


def upgrade() -> None:
    return None


def downgrade() -> None:
    return None
