"""Migration 0003: the old single blank counter split into the two counters of rule 1, on
SQLite and PostgreSQL, from the touches each prospect already has."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, text

from store.db import make_engine
from store.migrate import alembic_config, current_revision, upgrade

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
ON = date(2026, 11, 24)

# name, old nothing_new_streak, outcomes (oldest first, learned text), (nothing new, unanswered)
CASES = [
    ("all silent", 3, [("no_reply", None)] * 3, (0, 3)),
    (
        "talks then silence",
        4,
        [("nothing_new", None), ("not_now", "  "), ("no_reply", None), ("no_reply", None)],
        (2, 2),
    ),
    (
        "silence then a talk",
        3,
        [("no_reply", None), ("no_reply", None), ("nothing_new", None)],
        (1, 0),
    ),
    (
        # The old counter was 2: a "keep going" reset it after the first two no-replies.
        "reset by a decision",
        2,
        [
            ("no_reply", None),
            ("no_reply", None),
            ("snoozed", None),
            ("no_reply", None),
            ("nothing_new", None),
        ],
        (1, 0),
    ),
    ("learned last", 0, [("no_reply", None), ("learned", "CFO left")], (0, 0)),
]


def seed_0002(engine: Engine) -> dict[str, int]:
    """Rows as version 0002 stored them: one prospect per case, with its touches."""
    ids: dict[str, int] = {}
    with engine.begin() as db:
        db.execute(
            text("INSERT INTO workspaces (team_id, settings, created_at) VALUES ('T1', '{}', :n)"),
            {"n": NOW},
        )
        ws = db.execute(text("SELECT id FROM workspaces")).scalar_one()
        db.execute(
            text(
                "INSERT INTO reps (workspace_id, slack_user_id, workdays, created_at, updated_at)"
                " VALUES (:ws, 'U1', '0,1,2,3,4', :n, :n)"
            ),
            {"ws": ws, "n": NOW},
        )
        rep = db.execute(text("SELECT id FROM reps")).scalar_one()
        for case, old, outcomes, _ in CASES:
            db.execute(
                text(
                    "INSERT INTO prospects (workspace_id, rep_id, name, company, situation,"
                    " status, sequence_step, nothing_new_streak, version, created_on,"
                    " created_at, updated_at) VALUES (:ws, :rep, :name, 'Acme', 'said_no',"
                    " 'dormant', 0, :old, 1, :on, :n, :n)"
                ),
                {"ws": ws, "rep": rep, "name": case, "old": old, "on": ON, "n": NOW},
            )
            pid = db.execute(
                text("SELECT id FROM prospects WHERE name = :name"), {"name": case}
            ).scalar_one()
            ids[case] = pid
            for i, (outcome, learned) in enumerate(outcomes):
                db.execute(
                    text(
                        "INSERT INTO touches (workspace_id, rep_id, prospect_id, tactic_id,"
                        " outcome, situation, learned, touched_on, idempotency_key, created_at)"
                        " VALUES (:ws, :rep, :pid, 'new_ideas', :outcome, 'said_no', :learned,"
                        " :on, :key, :n)"
                    ),
                    {
                        "ws": ws, "rep": rep, "pid": pid, "outcome": outcome,
                        "learned": learned, "on": ON, "key": f"touch:{pid}:v{i}", "n": NOW,
                    },
                )  # fmt: skip
    return ids


def touch_count(engine: Engine) -> int:
    with engine.connect() as db:
        return int(db.execute(text("SELECT count(*) FROM touches")).scalar_one())


@pytest.mark.parametrize("downgrade", [False, True])
def test_0003_splits_the_old_blank_count_into_the_two_counters(
    database_url: str, downgrade: bool
) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0002")
    ids = seed_0002(engine)
    upgrade(engine, "0003")
    assert current_revision(engine) == "0003"
    with engine.connect() as db:
        rows = {
            pid: (nothing_new, unanswered, decision, dnc)
            for pid, nothing_new, unanswered, decision, dnc in db.execute(
                text(
                    "SELECT id, nothing_new_streak, unanswered_streak, open_decision,"
                    " do_not_contact FROM prospects"
                )
            )
        }
    # Nothing else moved: on SQLite a rebuilt prospects table would have cascaded to these.
    assert touch_count(engine) == sum(len(outcomes) for _, _, outcomes, _ in CASES)
    for case, _, _, expected in CASES:
        nothing_new, unanswered, decision, dnc = rows[ids[case]]
        assert (nothing_new, unanswered) == expected, case
        assert decision is None and not dnc, case
    if downgrade:  # and back: one blank count again, the new columns gone
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
        with engine.connect() as db:
            old = dict(db.execute(text("SELECT id, nothing_new_streak FROM prospects")).all())
        assert old[ids["talks then silence"]] == 4 and old[ids["all silent"]] == 3
        assert touch_count(engine) == sum(len(outcomes) for _, _, outcomes, _ in CASES)
        upgrade(engine, "0003")
        assert current_revision(engine) == "0003"
    upgrade(engine)  # and on to the head: later revisions build on these columns
    engine.dispose()
