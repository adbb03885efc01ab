"""prospect_answers: the question backlog's answers, one per prospect and question (issue 16)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 11:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prospect_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("prospect_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=40), nullable=False),
        sa.Column("touch_id", sa.Integer(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_prospect_answers_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["touch_id"],
            ["touches.id"],
            name=op.f("fk_prospect_answers_touch_id_touches"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_prospect_answers_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prospect_answers")),
        sa.UniqueConstraint(
            "prospect_id", "question_id", name=op.f("uq_prospect_answers_prospect_id")
        ),
    )
    with op.batch_alter_table("prospect_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prospect_answers_touch_id"), ["touch_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("prospect_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prospect_answers_touch_id"))
    op.drop_table("prospect_answers")
