"""`revive import FILE --team-id T… --rep U…`: the preview printed, the rows imported once,
and every problem one line with exit code 2."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from store.db import make_engine, make_session_factory
from store.migrate import upgrade
from store.models import Prospect
from tests.export_seed import seed_every_status, seed_pipeline, seed_reps
from tests.test_cli import run_revive

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'revive.db'}"
    engine = make_engine(url)
    upgrade(engine)
    seed_reps(make_session_factory(engine), {"U1": {"tz": "America/New_York"}}, now=NOW)
    engine.dispose()
    return url


def prospects(url: str) -> int:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        count = session.scalar(select(func.count()).select_from(Prospect)) or 0
    engine.dispose()
    return count


def test_dry_run_prints_the_preview_and_writes_nothing(tmp_path: Path, database: str) -> None:
    result = run_revive("import", str(FIXTURES / "hubspot.csv"), "--team-id", "T1", "--rep",
                        "U1", "--dry-run", cwd=tmp_path, env={"DATABASE_URL": database})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Rows read: 8 (UTF-8, comma-separated)" in out
    assert "Ready to import: 4" in out and "Need attention: 3" in out
    assert "Twice in the file: 1" in out
    assert "not imported: row 6: Status 'Closed won': the deal is won" in out
    assert "Dry run: nothing was written." in out
    assert prospects(database) == 0


def test_import_adds_the_ready_rows_once(tmp_path: Path, database: str) -> None:
    args = ("import", str(FIXTURES / "salesforce.csv"), "--team-id", "T1", "--rep", "U1",
            "--report", str(tmp_path / "report.csv"))
    first = run_revive(*args, cwd=tmp_path, env={"DATABASE_URL": database})
    assert first.returncode == 0, first.stderr
    assert "Imported 4 of 6 rows." in first.stdout
    assert prospects(database) == 4
    report = (tmp_path / "report.csv").read_text(encoding="utf-8-sig").splitlines()
    assert report[0].startswith("Row,Why not imported,Opportunity Name")
    assert [line.split(",")[0] for line in report[1:]] == ["6", "7"]
    again = run_revive(*args, cwd=tmp_path, env={"DATABASE_URL": database})
    assert again.returncode == 0, again.stderr
    assert "Already on file: 4" in again.stdout and "Imported 0 of 6 rows." in again.stdout
    assert prospects(database) == 4


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--team-id", "T9", "--rep", "U1"), "No workspace T9"),
        (("--team-id", "T1", "--rep", "U9"), "No rep U9 in workspace T1"),
        (("--team-id", "T1"), "--rep U0123ABCD"),
    ],
)
def test_a_wrong_workspace_or_rep_is_one_line(
    tmp_path: Path, database: str, args: tuple[str, ...], expected: str
) -> None:
    result = run_revive("import", str(FIXTURES / "pipedrive.csv"), *args, cwd=tmp_path,
                        env={"DATABASE_URL": database})
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert expected in line
    assert prospects(database) == 0


def test_an_unreadable_or_oversized_file_is_one_line(tmp_path: Path, database: str) -> None:
    missing = run_revive("import", str(tmp_path / "nope.csv"), "--team-id", "T1", "--rep",
                         "U1", cwd=tmp_path, env={"DATABASE_URL": database})
    assert missing.returncode == 2
    [line] = missing.stderr.splitlines()
    assert "Cannot read" in line and "nope.csv" in line
    big = tmp_path / "big.csv"
    big.write_text("Name,Company,Situation\n" + "P,C,said no\n" * 10_001)
    result = run_revive("import", str(big), "--team-id", "T1", "--rep", "U1", cwd=tmp_path,
                        env={"DATABASE_URL": database})
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "more than 10,000 rows" in line
    assert "Traceback" not in result.stderr


def test_json_and_a_file_together_are_refused(tmp_path: Path, database: str) -> None:
    result = run_revive("import", str(FIXTURES / "pipedrive.csv"), "--json", "b.json",
                        "--team-id", "T1", cwd=tmp_path, env={"DATABASE_URL": database})
    assert result.returncode == 2
    assert "not both" in result.stderr


def test_revive_export_then_revive_import_gives_every_field_back(tmp_path: Path) -> None:
    """`revive export` of a rep, `revive import` of that file into an empty workspace: every
    column comes back; a Next touch already past on the real clock is due on a workday from
    today on (the CLI runs on the system clock)."""
    url = f"sqlite:///{tmp_path / 'revive.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    seed_pipeline(sessions)
    seed_every_status(sessions)
    seed_reps(sessions, {"U1": {"tz": "America/New_York"}}, team_id="T2")
    engine.dispose()
    env = {"DATABASE_URL": url}
    out = tmp_path / "u1.csv"
    exported = run_revive("export", "--team-id", "T1", "--rep", "U1", "--out", str(out),
                          cwd=tmp_path, env=env)
    assert exported.returncode == 0, exported.stderr
    imported = run_revive("import", str(out), "--team-id", "T2", "--rep", "U1",
                          cwd=tmp_path, env=env)
    assert imported.returncode == 0, imported.stderr
    assert "A Revive export: each prospect comes back where it stood" in imported.stdout
    assert "Need attention: 0" in imported.stdout
    again = run_revive("export", "--team-id", "T2", "--rep", "U1", cwd=tmp_path, env=env)
    before = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    after = list(csv.DictReader(io.StringIO(again.stdout)))
    assert len(after) == len(before) == 11
    for was, now in zip(before, after, strict=True):
        assert {**was, "Next touch": ""} == {**now, "Next touch": ""}
        if was["Next touch"] != now["Next touch"]:  # overdue: due on a workday, today or later
            moved = date.fromisoformat(now["Next touch"])
            assert moved > date.fromisoformat(was["Next touch"]) and moved.weekday() < 5
