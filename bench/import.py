"""CSV import at the row limit: a generated 10,000-row HubSpot-style file, previewed and
imported into an empty workspace.

The file: HubSpot's contact export headers (First Name, Last Name, Email, Phone Number,
Company Name, Lead Status, Deal Stage, Closed Lost Reason, Last Activity Date, Contact
owner, Create Date), ~85 % of rows that place a situation, the rest won deals, unknown lost
reasons, bad emails and repeated people — what a real export holds. Timed, per run, in a
fresh database (median of N runs):

  read       bot.imports.reader.read_table: bytes → header and rows
  parse      bot.imports.plan.parse_import: read + every row turned into a candidate
  preview    parse + plan_import in one unit of work (duplicates on file and in the file):
             what `/revive import` does before its DM, less the download
  import     parse + plan_import(lock=True) + apply_import + commit: the Import click,
             less the download and the report upload
  again      the same file imported a second time: everything on file, nothing added
  export     the imported prospects as our CSV (what `/revive export` builds after its ack)
  round trip our export imported into an empty workspace (every row back where it stood);
             exported there again it must be the same file

    python bench/import.py [--rows 10000] [--runs 3]
    python bench/import.py --backend postgres   # a fresh schema on BENCH_POSTGRES_URL

Targets (printed, never asserted): preview ≤ 5 s, import ≤ 10 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any

import common
from sqlalchemy import func, select

from bot.imports.apply import apply_import
from bot.imports.export import csv_file_bytes, csv_text, exported_prospects
from bot.imports.plan import parse_import, plan_import
from bot.imports.reader import read_table
from bot.imports.rows import DateOrder
from bot.reps import context_for
from store.db import make_engine, make_session_factory, unit_of_work
from store.models import Prospect, Rep, Workspace
from store.repo import ensure_rep, ensure_workspace

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
PREVIEW_TARGET_S, IMPORT_TARGET_S = 5.0, 10.0
HEADERS = ("First Name", "Last Name", "Email", "Phone Number", "Company Name", "Lead Status",
           "Deal Stage", "Closed Lost Reason", "Last Activity Date", "Contact owner",
           "Create Date")  # fmt: skip
REASONS = ("Too expensive", "Budget", "Went with Initech", "Went with a competitor",
           "No response", "Bad timing", "Missing feature: SSO", "Not interested",
           "Lost to Globex", "No decision")  # fmt: skip
FIRST = ("Dana", "Sam", "Priya", "Marco", "Kim", "Alex", "Jo", "Lena", "Omar", "Grace", "Tom",
         "Ana", "Hana", "Luis", "Mia", "Noah", "Eva", "Zoë", "François", "Łukasz")  # fmt: skip
LAST = ("Reyes", "Lee", "Natarajan", "Bianchi", "Park", "Moreau", "Okafor", "Fischer",
        "Haddad", "Kim", "Becker", "Souza", "Suzuki", "Ortega", "Wong", "Brown", "Novak",
        "Müller", "Dubois", "Nowak")  # fmt: skip


def hubspot_file(rows: int, seed: int = 14) -> bytes:
    """A HubSpot-style export of `rows` contacts (UTF-8 with a BOM, as HubSpot writes it)."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for n in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = f"Company {n // 3}"
        email = f"{first}.{last}.{n}@company{n // 3}.example".lower()
        stage, reason = "Closed lost", rng.choice(REASONS)
        roll = rng.random()
        if roll < 0.04:
            stage, reason = "Closed won", ""
        elif roll < 0.08:
            reason = "Other"  # places nothing: needs attention
        elif roll < 0.10:
            email = email.replace("@", " at ")  # not an email
        elif roll < 0.12 and n:
            email = f"{first}.{last}.{n - 1}@company{(n - 1) // 3}.example".lower()  # a repeat
        activity = date(2026, 11, 1) - timedelta(days=rng.randrange(400))
        writer.writerow([first, last, email, f"+1 555 {n:04d}", company, "Open Deal", stage,
                         reason, f"{activity:%Y-%m-%d} 10:{n % 60:02d}", "Riley Rep",
                         f"{activity - timedelta(days=90):%Y-%m-%d} 09:00"])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = perf_counter()
    result = work()
    return perf_counter() - started, result


def one_run(url: str, data: bytes) -> dict[str, float]:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        for team_id in ("T1", "T2"):
            workspace = ensure_workspace(session, team_id=team_id, now=NOW)
            rep = ensure_rep(session, workspace=workspace, user_id="U1", now=NOW)
            rep.tz, rep.tz_checked_at = "America/New_York", NOW

    def context(session: Any, team_id: str = "T1") -> Any:
        rep, workspace = session.execute(
            select(Rep, Workspace).join(Workspace, Rep.workspace_id == Workspace.id)
            .where(Rep.slack_user_id == "U1", Workspace.team_id == team_id)).one()
        return context_for(rep, workspace, NOW)

    def parse(content: bytes = data) -> Any:
        return parse_import(content, today=NOW.date(), order=DateOrder.AUTO,
                            guess=DateOrder.MONTH_FIRST, for_others=False)

    def export(team_id: str) -> str:
        with unit_of_work(sessions) as session:
            me = context(session, team_id)
            return csv_text(exported_prospects(session, workspace=me.workspace, rep=me.rep))[0]

    def round_trip(content: bytes) -> Any:
        parsed = parse(content)
        with unit_of_work(sessions) as session:
            me = context(session, "T2")
            return apply_import(session, me, plan_import(session, me, parsed, lock=True),
                                now=NOW)

    def preview() -> Any:
        parsed = parse()
        with unit_of_work(sessions) as session:
            return plan_import(session, context(session), parsed)

    def do_import() -> Any:
        parsed = parse()
        with unit_of_work(sessions) as session:
            me = context(session)
            plan = plan_import(session, me, parsed, lock=True)
            return apply_import(session, me, plan, now=NOW)

    read_s, table = timed(lambda: read_table(data))
    parse_s, _ = timed(parse)
    preview_s, plan = timed(preview)
    import_s, applied = timed(do_import)
    again_s, second = timed(do_import)
    with unit_of_work(sessions) as session:
        stored = session.scalar(select(func.count()).select_from(Prospect)) or 0
    export_s, exported = timed(lambda: export("T1"))
    trip_s, back = timed(lambda: round_trip(csv_file_bytes(exported)))
    same = export("T2") == exported
    engine.dispose()
    assert applied.added == len(plan.ready) == stored == back.added and second.added == 0
    assert same, "our export imported and exported again is not the same file"
    return {"rows": len(table.rows), "ready": len(plan.ready), "added": applied.added,
            "read_s": read_s, "parse_s": parse_s, "preview_s": preview_s,
            "import_s": import_s, "again_s": again_s, "export_s": export_s,
            "round_trip_s": trip_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    data = hubspot_file(args.rows)
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp, common.database(args.backend,
                                                                   Path(tmp)) as url:
            runs.append(one_run(url, data))
    keys = ("read_s", "parse_s", "preview_s", "import_s", "again_s", "export_s",
            "round_trip_s")
    medians = {k: common.median([r[k] for r in runs]) for k in keys}
    first = runs[0]
    common.print_table(
        f"CSV import, {first['rows']:,} rows ({len(data) / 1024 / 1024:.1f} MB), "
        f"{first['ready']:,} ready, {args.backend}, median of {args.runs} runs",
        ("step", "seconds", "rows/s", "target"),
        [
            ("read", medians["read_s"], f"{first['rows'] / medians['read_s']:,.0f}", ""),
            ("parse", medians["parse_s"], f"{first['rows'] / medians['parse_s']:,.0f}", ""),
            ("preview", medians["preview_s"], f"{first['rows'] / medians['preview_s']:,.0f}",
             f"≤ {PREVIEW_TARGET_S:.0f} s"),
            ("import", medians["import_s"], f"{first['rows'] / medians['import_s']:,.0f}",
             f"≤ {IMPORT_TARGET_S:.0f} s"),
            ("again", medians["again_s"], f"{first['rows'] / medians['again_s']:,.0f}", ""),
            ("export", medians["export_s"], f"{first['added'] / medians['export_s']:,.0f}",
             ""),
            ("round trip", medians["round_trip_s"],
             f"{first['added'] / medians['round_trip_s']:,.0f}", ""),
        ],
    )
    print(f"peak RSS {common.peak_rss_mb():.0f} MB")
    common.write_results(f"import_{args.backend}_{args.rows}",
                         {"rows": args.rows, "runs": runs, "median": medians,
                          "targets": {"preview_s": PREVIEW_TARGET_S,
                                      "import_s": IMPORT_TARGET_S}})


if __name__ == "__main__":
    main()
