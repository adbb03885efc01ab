"""Our CSV export imported into an empty workspace and exported again is the same file.

Goes through the importer's own entry points (bot.imports.plan: parse → plan → apply, as
`/revive import` and `revive import` do), as rep U1 importing their own export.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import Situation
from bot.imports.columns import EXPORT_HEADERS
from bot.imports.export import csv_file_bytes, csv_text, exported_prospects
from bot.imports.plan import apply_import, parse_import, plan_import
from bot.imports.rows import DateOrder
from bot.usecases.adding import NewProspect, add_prospect
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.models import Rep, Workspace
from tests.export_seed import NOW, rep, seed_pipeline

# The rows a round trip must carry: every situation, every field, every date, and text a
# CSV writer or a spreadsheet could trip on.
FRESH: list[NewProspect] = [
    NewProspect("Dana Reyes", "Acme Corp", Situation.WENT_QUIET, email="dana@acme.example",
                phone="+1 555 0100", proposal_sent_on=date(2026, 10, 2),
                proposal_expires_on=date(2026, 12, 2), referrer="Sam Lee", note="Met at SaaStr"),
    NewProspect("José Müller", "Zürich, Söhne & Co", Situation.SAID_NO,
                stated_reason='"Too expensive",\nmaybe next year', decision_date=date(2026, 9, 1)),
    NewProspect("=HYPERLINK(\"http://x\")", "@evil", Situation.MISSING_FEATURE,
                missing_feature="-SSO", note="'=already quoted"),
    NewProspect("Kim Park", "Initech", Situation.COMPETITOR_CONTRACT, competitor="Globex",
                contract_end=date(2027, 3, 31)),
    NewProspect("Lee Wong", "Hooli", Situation.CHOSE_COMPETITOR, competitor="Globex",
                decision_date=date(2026, 6, 1)),
    NewProspect("Ann Bell", "Umbrella", Situation.UNHAPPY_WITH_PROVIDER, competitor="Soylent",
                contract_end=date(2027, 1, 15)),
    NewProspect("Max Ito", "Wonka Industries", Situation.BIG_COMPANY, email="max@wonka.example"),
]


def database(path: Path) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return make_session_factory(engine)


def export_u1(sessions: sessionmaker[Session]) -> str:
    with unit_of_work(sessions) as session:
        workspace = session.scalars(select(Workspace)).one()
        u1 = session.scalars(select(Rep).where(Rep.slack_user_id == "U1")).one()
        text, _count = csv_text(exported_prospects(session, workspace=workspace, rep=u1))
    return text


def import_as_u1(sessions: sessionmaker[Session], data: bytes, now: datetime) -> list[str]:
    """Import `data` as U1 in T1; the reasons of the rows that were not imported."""
    with unit_of_work(sessions) as session:
        u1 = rep(session, "U1", now)
        u1.rep.tz = "America/New_York"
    with unit_of_work(sessions) as session:
        u1 = rep(session, "U1", now)
        parsed = parse_import(data, today=u1.today, order=DateOrder.AUTO,
                              guess=DateOrder.MONTH_FIRST, for_others=False)
        plan = plan_import(session, u1, parsed, lock=True)
        apply_import(session, u1, plan, now=now)
    return [f"row {r.candidate.row}: {r.skipped}" for r in plan.rows if r.skipped]


def rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == EXPORT_HEADERS
    return list(reader)


def test_an_export_of_fresh_prospects_reimports_to_the_same_file(tmp_path: Path) -> None:
    source = database(tmp_path / "source.db")
    with unit_of_work(source) as session:
        u1 = rep(session, "U1")
        u1.rep.tz = "America/New_York"
    with unit_of_work(source) as session:
        u1 = rep(session, "U1")
        for new in FRESH:
            add_prospect(session, u1, new, now=NOW)
    exported = export_u1(source)
    assert len(rows(exported)) == len(FRESH)

    target = database(tmp_path / "target.db")
    assert import_as_u1(target, csv_file_bytes(exported), NOW) == []
    assert export_u1(target) == exported


def _round_trip(tmp_path: Path) -> tuple[list[dict[str, str]], list[dict[str, str]], list[str]]:
    """The seeded pipeline's U1 export, its dormant rows, and U1's export after importing it
    into an empty database; with the reasons rows were not imported."""
    source = database(tmp_path / "source.db")
    seed_pipeline(source)
    exported = export_u1(source)
    target = database(tmp_path / "target.db")
    not_imported = import_as_u1(target, csv_file_bytes(exported), NOW)
    dormant = [r for r in rows(exported) if r["Status"] == "dormant"]
    assert len(dormant) < len(rows(exported))  # the seed has a won prospect
    return dormant, rows(export_u1(target)), not_imported


# The coach's record of a prospect's history, which an import does not bring: the coach
# starts an imported prospect afresh (bot/imports/columns.py).
HISTORY = ("Status", "Next touch", "Last touch", "Last learned")


def test_a_pipeline_with_history_reimports_what_describes_each_prospect(tmp_path: Path) -> None:
    """Prospects contacted, walked away and brought back: what the rep knows of each comes
    back; a prospect no longer dormant (won) needs attention instead."""
    dormant, after, not_imported = _round_trip(tmp_path)
    assert len(not_imported) == 1 and "only dormant prospects are imported" in not_imported[0]
    described = [h for h in EXPORT_HEADERS if h not in (*HISTORY, "Decision date")]
    assert [{h: r[h] for h in described} for r in after] == [
        {h: r[h] for h in described} for r in dormant]


def test_a_reimported_prospect_keeps_its_decision_date(tmp_path: Path) -> None:
    dormant, after, _ = _round_trip(tmp_path)
    assert [(r["Name"], r["Decision date"]) for r in after] == [
        (r["Name"], r["Decision date"]) for r in dormant]
