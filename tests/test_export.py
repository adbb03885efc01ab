"""`revive export` as CSV: our own headers, one row per prospect, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.imports.columns import (
    DATE_HEADERS,
    EXPORT_FIELDS,
    EXPORT_HEADERS,
    FORMULA_STARTS,
    OWNER_HEADER,
    WALK_AWAY_REASON_HEADER,
    WALKED_AWAY_ON_HEADER,
    YES,
    guard_cell,
    unguard_cell,
)
from store.db import make_engine, make_session_factory
from store.migrate import upgrade
from store.models import Prospect, Rep
from tests.export_seed import seed_pipeline
from tests.test_cli import run_revive

# --- the formula guard ----------------------------------------------------------------


@given(st.text())
def test_unguard_gives_back_exactly_what_guard_was_given(text: str) -> None:
    assert unguard_cell(guard_cell(text)) == text


@given(st.text())
def test_a_guarded_cell_never_starts_a_formula(text: str) -> None:
    assert not guard_cell(text).startswith(FORMULA_STARTS)


@pytest.mark.parametrize(("value", "cell"), [
    ("=SUM(A1)", "'=SUM(A1)"), ("+1 555", "'+1 555"), ("-SSO", "'-SSO"), ("@acme", "'@acme"),
    ("'=x", "''=x"), ("Dana", "Dana"), ("it's", "it's"), ("'quoted'", "'quoted'"), ("", ""),
])
def test_guard_cell(value: str, cell: str) -> None:
    assert guard_cell(value) == cell


def test_the_headers_are_ours_and_each_maps_to_a_prospect_column() -> None:
    assert EXPORT_HEADERS[0] == "Name" and EXPORT_HEADERS[-1] == OWNER_HEADER
    decision = {WALK_AWAY_REASON_HEADER, WALKED_AWAY_ON_HEADER}  # from the walk-away decision
    assert set(EXPORT_FIELDS) == set(EXPORT_HEADERS) - {OWNER_HEADER, *decision}
    columns = set(Prospect.__table__.columns.keys())
    assert set(EXPORT_FIELDS.values()) <= columns
    assert set(EXPORT_FIELDS) | decision >= DATE_HEADERS


# --- revive export --------------------------------------------------------------------


@pytest.fixture
def seeded(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'revive.db'}"
    engine = make_engine(url)
    upgrade(engine)
    seed_pipeline(make_session_factory(engine))
    engine.dispose()
    return url


def export(tmp_path: Path, url: str, *args: str) -> list[dict[str, str]]:
    result = run_revive("export", "--team-id", "T1", *args, cwd=tmp_path,
                        env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    reader = csv.DictReader(io.StringIO(result.stdout, newline=""))
    assert tuple(reader.fieldnames or ()) == EXPORT_HEADERS
    return list(reader)


def stored(url: str, owner: str | None = None) -> list[tuple[Prospect, str]]:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        query = select(Prospect, Rep.slack_user_id).join(Rep, Prospect.rep_id == Rep.id)
        if owner:
            query = query.where(Rep.slack_user_id == owner)
        rows = [(p, o) for p, o in session.execute(query.order_by(Prospect.id))]
        session.expunge_all()
    engine.dispose()
    return rows


def as_stored(header: str, text: str) -> object:
    """A cell read back the way an importer must: unguarded, dates parsed, '' is nothing."""
    if header == "Do not contact":
        return {YES: True, "": False}[text]
    if text == "":
        return None
    if header in DATE_HEADERS:
        return date.fromisoformat(text)
    return unguard_cell(text)


def test_every_prospect_is_one_row_carrying_what_is_stored(tmp_path: Path, seeded: str) -> None:
    rows = export(tmp_path, seeded)
    prospects = stored(seeded)
    assert len(rows) == len(prospects) == 8
    for row, (prospect, owner) in zip(rows, prospects, strict=True):
        assert row[OWNER_HEADER] == owner
        for header, attribute in EXPORT_FIELDS.items():
            assert as_stored(header, row[header]) == getattr(prospect, attribute), header


def test_cells_are_iso_dates_ids_and_guarded_text(tmp_path: Path, seeded: str) -> None:
    rows = {row["Name"]: row for row in export(tmp_path, seeded)}
    hyperlink = rows["'=HYPERLINK(\"http://x\")"]
    assert (hyperlink["Company"], hyperlink["Missing feature"], hyperlink["Note"]) == (
        "'@evil", "'-SSO", "'+1 call")
    assert rows["Pat Kent"]["Note"] == "''=already quoted"
    jose = rows["José Müller"]
    assert jose["Company"] == "Zürich, Söhne & Co"
    assert jose["Stated reason"] == '"Too expensive",\nmaybe next year'
    assert jose["Phone"] == "'+41 44 123 45 67"
    kim = rows["Kim Park"]
    assert (kim["Situation"], kim["Contract end"], kim["Status"]) == (
        "competitor_contract", "2027-03-31", "dormant")
    assert rows["Ann Bell"]["Status"] == "won"
    assert rows["Dana Reyes"]["Proposal sent"] == "2026-10-02"
    for row in rows.values():
        for cell in row.values():
            assert not cell.startswith(FORMULA_STARTS), cell


def test_rep_narrows_the_export_to_their_prospects(tmp_path: Path, seeded: str) -> None:
    rows = export(tmp_path, seeded, "--rep", "U2")
    assert [r["Name"] for r in rows] == [p.name for p, _ in stored(seeded, "U2")]
    assert {r[OWNER_HEADER] for r in rows} == {"U2"} and len(rows) == 2


def test_out_writes_utf8_with_a_byte_order_mark_for_spreadsheets(tmp_path: Path,
                                                                 seeded: str) -> None:
    out = tmp_path / "pipeline.csv"
    result = run_revive("export", "--team-id", "T1", "--out", str(out), cwd=tmp_path,
                        env={"DATABASE_URL": seeded})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Wrote {out} (")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfName,Company,")
    on_stdout = run_revive("export", "--team-id", "T1", cwd=tmp_path,
                           env={"DATABASE_URL": seeded}).stdout
    assert data.endswith(b",U2\r\n")  # RFC 4180 line ends (the test reads stdout as text)
    assert data.decode("utf-8-sig").replace("\r\n", "\n") == on_stdout


def test_format_json_prints_the_backup(tmp_path: Path, seeded: str) -> None:
    result = run_revive("export", "--team-id", "T1", "--format", "json", cwd=tmp_path,
                        env={"DATABASE_URL": seeded})
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["format"] == "revive-backup"
    assert len(document["workspaces"][0]["prospects"]) == 8


@pytest.mark.parametrize(("args", "said"), [
    (("--team-id", "T9"), "No workspace T9 in the database at sqlite:///"),
    (("--team-id", "T1", "--rep", "U9"), "No rep U9 in workspace T1."),
    (("--team-id", "T1", "--rep", "U2", "--format", "json"), "--rep goes with --format csv"),
    (("--team-id", "acme"), "'acme' is not a Slack id like T0123ABCD"),
    (("--team-id", "T1", "--rep", "dana@acme.example"), "is not a Slack id like U0123ABCD"),
    (("--team-id", "T1", "--format", "xlsx"), "invalid choice: 'xlsx'"),
    (("--rep", "U1",), "the following arguments are required: --team-id"),
    (("--team-id", "T1", "--out", "/nonexistent/dir/x.csv"), "Cannot write /nonexistent/dir"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, seeded: str, args: tuple[str, ...],
                                          said: str) -> None:
    result = run_revive("export", *args, cwd=tmp_path, env={"DATABASE_URL": seeded})
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert said in line, line
    assert result.stdout == ""


def test_export_wants_a_migrated_database(tmp_path: Path) -> None:
    result = run_revive("export", "--team-id", "T1", cwd=tmp_path,
                        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"})
    assert result.returncode == 2
    assert "run `revive db upgrade` first" in result.stderr
