"""JSON backups: a pipeline dumped and restored into a fresh database is the same pipeline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.imports.backup import BackupError, backup_document, restore_workspace
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import head_revision, upgrade
from store.models import (
    Base,
    EventRecord,
    Prospect,
    Rep,
    SettingsChange,
    Team,
    TeamManager,
    Workspace,
)
from tests.databases import postgres_schema_url, sqlite_url
from tests.export_seed import NOW, rep, seed_pipeline
from tests.test_cli import run_revive

IDS = {"id", "workspace_id", "rep_id", "prospect_id", "team_id", "handed_over_from_rep_id",
       "by_rep_id", "to_rep_id"}


def _plain(row: Base, **named: object) -> dict[str, Any]:
    """A row's columns without surrogate ids; `named` puts back what an id pointed at."""
    values = {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in IDS}
    return {**values, **named}


def normalized(session: Session, team_id: str) -> dict[str, Any]:
    """The workspace as a person would compare it: ids replaced by what they stand for,
    each prospect with its own touches and decisions."""
    workspace = session.scalars(select(Workspace).where(Workspace.team_id == team_id)).one()
    reps = {r.id: r for r in session.scalars(select(Rep).where(Rep.workspace_id == workspace.id))}
    teams = {t.id: t.name for t in session.scalars(
        select(Team).where(Team.workspace_id == workspace.id))}

    def slack(rep_id: int | None) -> str | None:
        return None if rep_id is None else reps[rep_id].slack_user_id

    prospects = [
        _plain(p, owner=slack(p.rep_id), handed_over_from=slack(p.handed_over_from_rep_id),
               touches=[_plain(t, by=slack(t.rep_id)) for t in p.touches],
               decisions=[_plain(d, by=slack(d.rep_id), decided_by=slack(d.by_rep_id),
                                 to=slack(d.to_rep_id)) for d in p.decisions])
        for p in session.scalars(select(Prospect).where(Prospect.workspace_id == workspace.id))
    ]
    managers = session.scalars(select(TeamManager).join(Team).where(
        Team.workspace_id == workspace.id))
    return {
        "workspace": (workspace.name, workspace.settings, workspace.created_at),
        "reps": sorted((_plain(r, team=teams.get(r.team_id or 0)) for r in reps.values()),
                       key=lambda r: r["slack_user_id"]),
        "teams": sorted(teams.values()),
        "managers": sorted((teams[m.team_id], slack(m.rep_id)) for m in managers),
        "prospects": sorted(prospects, key=lambda p: (p["name"], p["company"])),
        "events": sorted((_plain(e) for e in session.scalars(
            select(EventRecord).where(EventRecord.workspace_id == workspace.id))),
            key=lambda e: (e["happened_on"], e["subject"])),
        "settings_changes": [_plain(c) for c in session.scalars(select(SettingsChange).where(
            SettingsChange.workspace_id == workspace.id).order_by(SettingsChange.changed_at))],
    }


def sessions_for(url: str) -> sessionmaker[Session]:
    engine = make_engine(url)
    upgrade(engine)
    return make_session_factory(engine)


@pytest.fixture
def target_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second empty database on the same backend as `database_url`."""
    if database_url.startswith("sqlite"):
        (tmp_path / "target").mkdir()
        yield sqlite_url(tmp_path / "target")
    else:
        with postgres_schema_url() as url:
            yield url


def dumped(sessions: sessionmaker[Session]) -> dict[str, Any]:
    """The backup as it travels: through JSON text."""
    with unit_of_work(sessions) as session:
        workspace = session.scalars(select(Workspace)).one()
        document = backup_document(session, workspace, schema=head_revision(), now=NOW)
    return json.loads(json.dumps(document))


def test_a_restored_backup_gives_back_the_same_pipeline(database_url: str,
                                                        target_url: str) -> None:
    source, target = sessions_for(database_url), sessions_for(target_url)
    seed_pipeline(source)
    document = dumped(source)
    with unit_of_work(target) as session:
        restored = restore_workspace(session, document, team_id="T1", now=NOW)
    assert restored.counts == {"teams": 1, "reps": 2, "team_managers": 1, "prospects": 8,
                               "touches": 5, "decisions": 2, "events": 1,
                               "settings_changes": 1}
    with source() as before, target() as after:
        expected, got = normalized(before, "T1"), normalized(after, "T1")
    assert got == expected
    # The seed is not trivial: every kind of row, and prospects in several states.
    statuses = {p["status"] for p in expected["prospects"]}
    assert {"dormant", "won"} <= statuses
    assert {d["kind"] for p in expected["prospects"] for d in p["decisions"]} == {
        "walk_away", "keep_going"}
    assert expected["managers"] == [("North", "U2")]
    # And the restored database dumps to the same backup.
    assert dumped(target)["workspaces"] == document["workspaces"]


def test_the_backup_names_rows_not_database_ids(sqlite_database_url: str) -> None:
    sessions = sessions_for(sqlite_database_url)
    seed_pipeline(sessions)
    [workspace] = dumped(sessions)["workspaces"]
    assert {"id", "workspace_id"}.isdisjoint(workspace["prospects"][0])
    owners = {p["rep_id"] for p in workspace["prospects"]}
    assert owners == {"U1", "U2"}
    refs = {p["ref"] for p in workspace["prospects"]}
    assert {t["prospect_id"] for t in workspace["touches"]} <= refs
    assert [r["team_id"] for r in workspace["reps"]] == ["North", None]


def test_reps_already_in_the_workspace_take_the_backups_values(
        sqlite_database_url: str, tmp_path: Path) -> None:
    """The app may have seen a rep (Home opened) before the restore: one row, backup's values."""
    source = sessions_for(sqlite_database_url)
    seed_pipeline(source)
    document = dumped(source)
    (tmp_path / "fresh").mkdir()
    target = sessions_for(sqlite_url(tmp_path / "fresh"))
    with unit_of_work(target) as session:
        rep(session, "U1").rep.tz = "Asia/Tokyo"
    with unit_of_work(target) as session:
        restore_workspace(session, document, team_id="T1", now=NOW)
    with source() as before, target() as after:
        assert normalized(after, "T1") == normalized(before, "T1")
        assert after.scalar(select(func.count()).select_from(Rep)) == 2


def _broken(document: dict[str, Any], change: str) -> object:
    workspace = document["workspaces"][0]
    if change == "not a backup":
        return {"prospects": []}
    if change == "newer format":
        return {**document, "version": 2}
    if change == "other workspace":
        return {**document, "workspaces": [{**workspace, "team_id": "T9"}]}
    if change == "unknown field":
        workspace["prospects"][0]["mood"] = "sunny"
    elif change == "missing field":
        del workspace["prospects"][0]["name"]
    elif change == "dangling reference":
        workspace["touches"][0]["prospect_id"] = 999
    elif change == "bad date":
        workspace["prospects"][0]["contract_end"] = "31/03/2027"
    elif change == "twice the same rep":
        workspace["reps"].append(dict(workspace["reps"][0]))
    return document


@pytest.mark.parametrize(("change", "said"), [
    ("not a backup", "not a Revive backup"),
    ("newer format", "format version is 2"),
    ("other workspace", "holds T9, not workspace T1"),
    ("unknown field", "prospects #1 has fields this version does not know (mood)"),
    ("missing field", "prospects #1 lacks name"),
    ("dangling reference", "touches #1: prospect_id names 999, not in the backup"),
    ("bad date", "'31/03/2027' is not an ISO date"),
    ("twice the same rep", "two reps share a slack_user_id"),
])
def test_a_backup_that_cannot_be_restored_is_refused_and_nothing_is_written(
        sqlite_database_url: str, tmp_path: Path, change: str, said: str) -> None:
    source = sessions_for(sqlite_database_url)
    seed_pipeline(source)
    document = _broken(dumped(source), change)
    (tmp_path / "fresh").mkdir()
    target = sessions_for(sqlite_url(tmp_path / "fresh"))
    with pytest.raises(BackupError) as refused, unit_of_work(target) as session:
        restore_workspace(session, document, team_id="T1", now=NOW)
    assert said in refused.value.message
    with target() as session:
        assert session.scalar(select(func.count()).select_from(Workspace)) == 0


# --- the command line -----------------------------------------------------------------


def test_revive_export_json_then_restore_into_a_fresh_database(tmp_path: Path) -> None:
    source_url = f"sqlite:///{tmp_path / 'source.db'}"
    target_url = f"sqlite:///{tmp_path / 'target.db'}"
    source, target = sessions_for(source_url), sessions_for(target_url)
    seed_pipeline(source)
    backup = tmp_path / "backup.json"
    out = run_revive("export", "--team-id", "T1", "--format", "json", "--out", str(backup),
                     cwd=tmp_path, env={"DATABASE_URL": source_url})
    assert out.returncode == 0, out.stderr
    document = json.loads(backup.read_text(encoding="utf-8"))
    assert (document["format"], document["version"]) == ("revive-backup", 1)
    assert "José Müller" in backup.read_text(encoding="utf-8")  # UTF-8 as such, not \u escapes

    restored = run_revive("restore", str(backup), "--team-id", "T1", cwd=tmp_path,
                          env={"DATABASE_URL": target_url})
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith("Restored workspace T1: teams 1, reps 2,")
    with source() as before, target() as after:
        assert normalized(after, "T1") == normalized(before, "T1")

    again = run_revive("restore", str(backup), "--team-id", "T1", cwd=tmp_path,
                       env={"DATABASE_URL": target_url})
    assert again.returncode == 2
    [line] = again.stderr.splitlines()
    assert "Workspace T1 already has prospects" in line and "empty one only" in line
    with target() as after:
        assert after.scalar(select(func.count()).select_from(Prospect)) == 8


@pytest.mark.parametrize(("content", "said"), [
    (None, "Cannot read"),
    (b"\xff\xfe\x00garbage", "is not UTF-8 text"),
    (b"Name,Company\nDana,Acme\n", "is not JSON"),
    (b'{"format": "something else"}', "not a Revive backup"),
])
def test_revive_restore_refuses_a_file_that_is_not_a_backup_in_one_line(
        tmp_path: Path, content: bytes | None, said: str) -> None:
    url = f"sqlite:///{tmp_path / 'target.db'}"
    sessions_for(url)
    backup = tmp_path / "backup.json"
    if content is not None:
        backup.write_bytes(content)
    result = run_revive("restore", str(backup), "--team-id", "T1", cwd=tmp_path,
                        env={"DATABASE_URL": url})
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert said in line and "Traceback" not in result.stderr


def test_revive_restore_wants_a_migrated_database(tmp_path: Path) -> None:
    backup = tmp_path / "backup.json"
    backup.write_text('{"format": "revive-backup", "version": 1, "workspaces": []}')
    result = run_revive("restore", str(backup), "--team-id", "T1", cwd=tmp_path,
                        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"})
    assert result.returncode == 2
    assert "run `revive db upgrade` first" in result.stderr
