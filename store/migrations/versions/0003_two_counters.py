"""prospects: the two counters of the learn rule, the open decision, do-not-contact

`nothing_new_streak` used to count unanswered attempts too. It is split: conversations in a
row that taught nothing new stay in `nothing_new_streak`; attempts in a row nobody answered
go to the new `unanswered_streak`. Both are recomputed from each prospect's touches, within
the run the old counter covered (it already reflects the resets touches do not show: a
"keep going", an event). `open_decision` starts empty: the next limit reached asks once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08 09:00:00
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here, not imported: this migration must mean the same thing however the code moves.
NOT_CONTACTS = ("snoozed", "walked_away")

prospects = sa.table(
    "prospects",
    sa.column("id", sa.Integer),
    sa.column("nothing_new_streak", sa.Integer),
    sa.column("unanswered_streak", sa.Integer),
)
touches = sa.table(
    "touches",
    sa.column("id", sa.Integer),
    sa.column("prospect_id", sa.Integer),
    sa.column("outcome", sa.String),
    sa.column("learned", sa.Text),
)


def upgrade() -> None:
    # Plain ALTER TABLE ADD/DROP COLUMN on every database, never a batch "move and copy": on
    # SQLite (foreign keys on) dropping the old prospects table would cascade to the touches.
    op.add_column(
        "prospects",
        sa.Column("unanswered_streak", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column("prospects", sa.Column("open_decision", sa.String(length=32), nullable=True))
    op.add_column(
        "prospects",
        sa.Column("do_not_contact", sa.Boolean(), nullable=False, server_default="0"),
    )
    backfill(op.get_bind())


def split_streak(old: int, outcomes: list[tuple[str, str | None]]) -> tuple[int, int]:
    """(conversations that taught nothing, trailing unanswered attempts) among the last
    `old` contacts: the blank run the old counter counted, no-replies included."""
    contacts = [(o, text) for o, text in outcomes if o not in NOT_CONTACTS]
    run = contacts[len(contacts) - old :] if old > 0 else []
    nothing_new = sum(
        1
        for o, text in run
        if o == "nothing_new" or (o == "not_now" and not (text or "").strip())
    )
    unanswered = 0
    for o, _ in reversed(run):
        if o != "no_reply":
            break
        unanswered += 1
    return nothing_new, unanswered


def backfill(bind: sa.Connection) -> None:
    streaks = dict(
        bind.execute(
            sa.select(prospects.c.id, prospects.c.nothing_new_streak).where(
                prospects.c.nothing_new_streak > 0
            )
        ).all()
    )
    if not streaks:
        return
    history: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    rows = bind.execute(
        sa.select(touches.c.prospect_id, touches.c.outcome, touches.c.learned).order_by(
            touches.c.id
        )
    )
    for prospect_id, outcome, learned in rows:
        if prospect_id in streaks:
            history[prospect_id].append((outcome, learned))
    for prospect_id, old in streaks.items():
        nothing_new, unanswered = split_streak(old, history[prospect_id])
        bind.execute(
            sa.update(prospects)
            .where(prospects.c.id == prospect_id)
            .values(nothing_new_streak=nothing_new, unanswered_streak=unanswered)
        )


def downgrade() -> None:
    # Back to one counter of blank contacts (no-replies interleaved with talks are lost).
    op.get_bind().execute(
        sa.update(prospects).values(
            nothing_new_streak=prospects.c.nothing_new_streak + prospects.c.unanswered_streak
        )
    )
    for column in ("do_not_contact", "open_decision", "unanswered_streak"):
        op.drop_column("prospects", column)
