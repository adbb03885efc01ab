"""team_day_totals: each rep's days (and whole months) of touches counted for the team
numbers (issue 13), and two covering indexes on touches for the revivals

The table is a cache checked at every read (bot/team/totals.py): it starts empty and fills
on the first team numbers read, so there is nothing to backfill.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 11:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "team_day_totals",
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("touches", sa.Integer(), nullable=False),
        sa.Column("max_touch_id", sa.Integer(), nullable=False),
        sa.Column("touch_id_sum", sa.BigInteger(), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("learned", sa.Integer(), nullable=False),
        sa.Column("tries", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["reps.id"], name=op.f("fk_team_day_totals_rep_id_reps"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"],
            name=op.f("fk_team_day_totals_workspace_id_workspaces"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rep_id", "day", "days", name=op.f("pk_team_day_totals")),
    )  # fmt: skip
    op.create_index(
        "ix_touches_rep_outcome_on",
        "touches",
        ["rep_id", "outcome", "touched_on", "prospect_id", "id"],
        unique=False,
    )
    op.create_index(
        "ix_touches_prospect_on",
        "touches",
        ["prospect_id", "touched_on", "outcome", "rep_id", "tactic_id", "situation", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_touches_prospect_on", table_name="touches")
    op.drop_index("ix_touches_rep_outcome_on", table_name="touches")
    op.drop_table("team_day_totals")
