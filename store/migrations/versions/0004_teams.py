"""teams and managers: teams, team_managers, reps' profile flags, settings history,
manager decisions, hand-overs, and a kind for outbox rows (the weekly report)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("report_channel", sa.String(length=32), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_teams_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("workspace_id", "name", name=op.f("uq_teams_workspace_id")),
    )
    op.create_table(
        "team_managers",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["reps.id"], name=op.f("fk_team_managers_rep_id_reps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_team_managers_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "rep_id", name=op.f("pk_team_managers")),
    )
    op.create_table(
        "settings_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.String(length=32), nullable=False),
        sa.Column("changed_at", store.types.UTCDateTime(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("old_value", sa.String(length=200), nullable=True),
        sa.Column("new_value", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_settings_changes_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settings_changes")),
    )
    with op.batch_alter_table("settings_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_settings_changes_workspace", ["workspace_id", "changed_at"], unique=False
        )
    with op.batch_alter_table("reps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_reps_team_id_teams"), "teams", ["team_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("by_rep_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("to_rep_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_decisions_by_rep_id_reps"), "reps", ["by_rep_id"], ["id"],
            ondelete="SET NULL",
        )  # fmt: skip
        batch_op.create_foreign_key(
            batch_op.f("fk_decisions_to_rep_id_reps"), "reps", ["to_rep_id"], ["id"],
            ondelete="SET NULL",
        )  # fmt: skip
    with op.batch_alter_table("prospects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handed_over_from_rep_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("handover_note", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_prospects_handed_over_from_rep_id_reps"),
            "reps",
            ["handed_over_from_rep_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # Same constraint name (the naming convention keys on the first column), one more column.
    with op.batch_alter_table("digest_outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="digest")
        )
        batch_op.drop_constraint("uq_digest_outbox_rep_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_digest_outbox_rep_id", ["rep_id", "local_date", "kind"]
        )


def downgrade() -> None:
    op.execute("DELETE FROM digest_outbox WHERE kind <> 'digest'")
    with op.batch_alter_table("digest_outbox", schema=None) as batch_op:
        batch_op.drop_constraint("uq_digest_outbox_rep_id", type_="unique")
        batch_op.create_unique_constraint("uq_digest_outbox_rep_id", ["rep_id", "local_date"])
        batch_op.drop_column("kind")
    with op.batch_alter_table("prospects", schema=None) as batch_op:
        batch_op.drop_constraint("fk_prospects_handed_over_from_rep_id_reps", type_="foreignkey")
        batch_op.drop_column("handover_note")
        batch_op.drop_column("handed_over_from_rep_id")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_decisions_to_rep_id_reps", type_="foreignkey")
        batch_op.drop_constraint("fk_decisions_by_rep_id_reps", type_="foreignkey")
        batch_op.drop_column("to_rep_id")
        batch_op.drop_column("by_rep_id")
    with op.batch_alter_table("reps", schema=None) as batch_op:
        batch_op.drop_constraint("fk_reps_team_id_teams", type_="foreignkey")
        batch_op.drop_column("team_id")
        batch_op.drop_column("is_admin")
        batch_op.drop_column("display_name")
    op.drop_table("settings_changes")
    op.drop_table("team_managers")
    op.drop_table("teams")
