"""The schema: migrations build it from empty, and the models agree with them."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from store.db import make_engine
from store.migrate import alembic_config, current_revision, head_revision, upgrade
from store.models import Base

TABLES = {
    "workspaces",
    "reps",
    "prospects",
    "touches",
    "decisions",
    "events",
    "digest_outbox",
    "seen_events",
    "teams",
    "team_managers",
    "settings_changes",
}


def test_upgrade_from_empty_creates_every_table(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_upgrade_twice_is_a_no_op(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], f"models differ from migrations; run an autogenerate revision: {diff}"


def test_sqlite_runs_with_wal_and_foreign_keys(sqlite_database_url: str) -> None:
    engine = make_engine(sqlite_database_url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_seen_events_downgrades_to_0001_and_back(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert "seen_events" not in inspect(engine).get_table_names()
    assert current_revision(engine) == "0001"
    upgrade(engine)
    assert "seen_events" in inspect(engine).get_table_names()
    engine.dispose()


def test_teams_downgrade_to_0003_and_back(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    assert "teams" not in inspect(engine).get_table_names()
    assert "kind" not in {c["name"] for c in inspect(engine).get_columns("digest_outbox")}
    assert current_revision(engine) == "0003"
    upgrade(engine)
    assert "teams" in inspect(engine).get_table_names()
    engine.dispose()


def test_upgrading_a_database_with_data_keeps_every_row(database_url: str) -> None:
    # On SQLite batch mode rebuilds tables; with foreign keys on, rebuilding `reps` or
    # `prospects` would cascade into touches. Every row must come through every revision.
    from tests.test_e2e_rules_exact_migration import CASES, seed_0002

    engine = make_engine(database_url)
    upgrade(engine, "0002")
    seed_0002(engine)
    upgrade(engine)
    with engine.connect() as db:
        counts = {
            table: db.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("workspaces", "reps", "prospects", "touches")
        }
        foreign_keys = (
            db.exec_driver_sql("PRAGMA foreign_keys").scalar()
            if engine.dialect.name == "sqlite"
            else 1
        )
    assert counts == {
        "workspaces": 1,
        "reps": 1,
        "prospects": len(CASES),
        "touches": sum(len(outcomes) for _, _, outcomes, _ in CASES),
    }
    assert foreign_keys == 1  # turned back on for the app's own use of the connection
    assert current_revision(engine) == head_revision()
    engine.dispose()
