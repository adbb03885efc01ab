"""Team numbers at scale: 50 reps × 200 prospects × 2,000 touches per rep in a quarter.

Seeds one workspace (bulk inserts through SQLAlchemy Core): each rep's prospects spread
over the seven situations, each touch a tactic that fits its prospect's situation, with an
outcome mix close to a real pipeline (mostly no reply; a few re-engaged or won), learned
text where the outcome carries one, and a walk-away decision for each walk-away; then
ANALYZE (VACUUM ANALYZE on PostgreSQL, as autovacuum would). Then times,
N runs each in this process after one warm-up run (median):

  load       bot.team.reading.load_team_rows: the four set-based queries
  aggregate  bot.team.numbers.team_numbers: the pure fold over those rows
  both       load + aggregate: the numbers counted from every touch (the weekly report's way)
  totals     bot.team.totals: load_team_totals + totals_numbers in one unit of work, the daily
             totals filled: what `/revive team` and the Home do (the target)
  first      the same with team_day_totals emptied before each run: the first read after
             the upgrade, which counts every day and stores it

for the whole quarter and for its last month, and the weekly report's chart PNG
(bot.team.chart.weekly_chart_png) from figures of the same size, when that module exists.

    python bench/team_report.py [--reps 50] [--prospects 200] [--touches 2000] [--runs 7]
    python bench/team_report.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

With --database-url (PostgreSQL) the run works in a fresh schema there, dropped afterwards;
SQLite always runs. Targets (printed, never asserted): ≤ 200 ms for the numbers, ≤ 1 s for
the PNG.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import median
from time import perf_counter, process_time
from typing import Any

import common
from sqlalchemy import Engine, delete, insert, select, text

from bot.coach import TACTICS
from bot.domain import DecisionKind, Outcome, Situation, WalkAwayReason
from bot.team.numbers import Period, TeamNumbers, team_numbers
from bot.team.reading import load_team_rows
from bot.team.totals import load_team_totals, totals_numbers
from bot.workspace_settings import WorkspaceSettings
from store.db import make_engine, make_session_factory
from store.models import Decision, Prospect, Rep, TeamDayTotal, Touch

QUARTER = Period(date(2026, 7, 1), date(2026, 9, 30))
LAST_MONTH = Period(date(2026, 9, 1), date(2026, 9, 30))
NOW = datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
NUMBERS_TARGET_MS, CHART_TARGET_MS = 200.0, 1000.0
# How a quarter of touches ends, roughly: most attempts go unanswered.
OUTCOME_MIX: tuple[tuple[Outcome, int], ...] = (
    (Outcome.NO_REPLY, 36),
    (Outcome.NOTHING_NEW, 18),
    (Outcome.LEARNED, 14),
    (Outcome.NOT_NOW, 12),
    (Outcome.SNOOZED, 7),
    (Outcome.RE_ENGAGED, 5),
    (Outcome.WALKED_AWAY, 3),
    (Outcome.CONTACT_LEFT, 3),
    (Outcome.WON, 2),
)
FITTING = {s: sorted(t.id for t in TACTICS.values() if s in t.situations) for s in Situation}


def seed(engine: Engine, reps: int, prospects: int, touches: int, rng: random.Random) -> int:
    """The workspace's rows; returns the workspace id."""
    today = QUARTER.end
    seeded = common.seed(
        engine, reps=reps, prospects_per_rep=prospects, today=today, now=NOW, due_share=0.2
    )
    workspace_id = seeded["workspace_id"]
    with engine.connect() as connection:
        owned = connection.execute(
            select(Prospect.id, Prospect.rep_id, Prospect.situation).where(
                Prospect.workspace_id == workspace_id
            )
        ).all()
    by_rep: dict[int, list[tuple[int, str]]] = {}
    for prospect_id, rep_id, situation in owned:
        by_rep.setdefault(rep_id, []).append((prospect_id, situation))
    outcomes, weights = zip(*OUTCOME_MIX, strict=True)
    days = (QUARTER.end - QUARTER.start).days + 1
    rows, decisions = [], []
    for rep_id, mine in by_rep.items():
        for k in range(touches):
            prospect_id, situation = mine[rng.randrange(len(mine))]
            outcome = rng.choices(outcomes, weights)[0]
            on = QUARTER.start + timedelta(days=rng.randrange(days))
            key = f"bench:{rep_id}:{k}"
            rows.append(_touch(workspace_id, rep_id, prospect_id, situation, outcome, on, key, rng))
            if outcome is Outcome.WALKED_AWAY:
                decisions.append(_walk_away(workspace_id, rep_id, prospect_id, on, key, rng))
    rows.sort(key=lambda row: row["touched_on"])  # ids in logging order, as in real life
    with engine.begin() as connection:
        for start in range(0, len(rows), common.CHUNK):
            connection.execute(insert(Touch), rows[start : start + common.CHUNK])
        if decisions:
            connection.execute(insert(Decision), decisions)
        connection.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        # As autovacuum leaves a table at rest: the visibility map lets the covering
        # indexes answer alone (index-only scans).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return workspace_id


def _touch(
    workspace_id: int,
    rep_id: int,
    prospect_id: int,
    situation: str,
    outcome: Outcome,
    on: date,
    key: str,
    rng: random.Random,
) -> dict[str, Any]:
    with_text = outcome in (Outcome.LEARNED, Outcome.CONTACT_LEFT) or (
        outcome in (Outcome.NOT_NOW, Outcome.RE_ENGAGED, Outcome.WON) and rng.random() < 0.4
    )
    return {
        "workspace_id": workspace_id,
        "rep_id": rep_id,
        "prospect_id": prospect_id,
        "tactic_id": rng.choice(FITTING[Situation(situation)]),
        "outcome": outcome.value,
        "situation": situation,
        "learned": f"budget moves to Q{rng.randint(1, 4)}, new VP of sales" if with_text else None,
        "touched_on": on,
        "idempotency_key": key,
        "created_at": NOW,
    }


def _walk_away(
    workspace_id: int, rep_id: int, prospect_id: int, on: date, key: str, rng: random.Random
) -> dict[str, Any]:
    return {
        "workspace_id": workspace_id,
        "rep_id": rep_id,
        "prospect_id": prospect_id,
        "kind": DecisionKind.WALK_AWAY.value,
        "reason": rng.choice(list(WalkAwayReason)).value,
        "decided_on": on,
        "idempotency_key": f"decision:{key}",
        "created_at": NOW,
    }


@dataclass(frozen=True)
class Timing:
    wall_ms: list[float]
    cpu_ms: list[float]  # this process's CPU: what the app itself spent, whatever the load

    def row(self, what: str, size: str, target_ms: float | None = None) -> list[Any]:
        wall = median(self.wall_ms)
        verdict = "-" if target_ms is None else ("met" if wall <= target_ms else "MISSED")
        return [what, size, wall, max(self.wall_ms), median(self.cpu_ms), verdict]


def timed(
    runs: int, work: Callable[[], Any], before: Callable[[], None] | None = None
) -> tuple[Timing, Any]:
    """`runs` calls after one warm-up call (wall and CPU milliseconds), and the last result;
    `before` runs ahead of each call, untimed."""
    result = work()
    wall, cpu = [], []
    for _ in range(runs):
        if before is not None:
            before()
        started, started_cpu = perf_counter(), process_time()
        result = work()
        wall.append(1000 * (perf_counter() - started))
        cpu.append(1000 * (process_time() - started_cpu))
    return Timing(wall, cpu), result


def numbers_rows(url: str, workspace_id: int, runs: int) -> list[list[Any]]:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session:
        rep_ids = list(session.scalars(select(Rep.id).where(Rep.workspace_id == workspace_id)))
    settings = WorkspaceSettings()

    def load(period: Period) -> Any:
        with sessions() as session:
            return load_team_rows(
                session,
                workspace_id=workspace_id,
                rep_ids=rep_ids,
                period=period,
                settings=settings,
                now=NOW,
            )

    def fold(period: Period, rows: Any) -> TeamNumbers:
        return team_numbers(
            period, rows.rep_ids, rows.touches, rows.walk_aways, rows.due, rows.today_of
        )

    def from_totals(period: Period) -> TeamNumbers:
        with sessions.begin() as session:
            totals = load_team_totals(session, workspace_id=workspace_id, rep_ids=rep_ids,
                                      period=period, settings=settings, now=NOW)  # fmt: skip
            return totals_numbers(totals, [rep.rep_id for rep in totals.reps])

    def forget() -> None:
        with sessions.begin() as session:
            session.execute(delete(TeamDayTotal))

    table = []
    for name, period in (("quarter", QUARTER), ("last month", LAST_MONTH)):
        loading, rows = timed(runs, lambda p=period: load(p))
        folding, numbers = timed(runs, lambda p=period, r=rows: fold(p, r))
        both, _ = timed(runs, lambda p=period: fold(p, load(p)))
        first, _ = timed(runs, lambda p=period: from_totals(p), before=forget)
        warm, totalled = timed(runs, lambda p=period: from_totals(p))
        if totalled != numbers:
            raise SystemExit(f"{name}: the totals' numbers differ from every touch's")
        size = f"{len(rows.touches):,} touches, {len(numbers.pairs)} pairs"
        table.append(loading.row(f"{name}: load", size))
        table.append(folding.row(f"{name}: aggregate", size))
        table.append(both.row(f"{name}: both", size))
        table.append(first.row(f"{name}: totals, first read", size))
        table.append(warm.row(f"{name}: totals", size, NUMBERS_TARGET_MS))
    engine.dispose()
    return table


def chart_row(reps: int, runs: int) -> list[Any]:
    try:
        from bot.team.chart import weekly_chart_png
        from bot.team.figures import ChartFigures, RepWeek, TacticRate
    except ImportError as missing:  # another engineer's module: skip, say why
        return ["chart PNG", f"skipped: {missing}", "-", "-", "-", "-"]
    rng = random.Random(7)
    weeks = [date(2026, 8, 10) + timedelta(weeks=i) for i in range(8)]
    rep_weeks = []
    for n in range(reps):
        for week in weeks:
            contacts = rng.randint(100, 200)
            rep_weeks.append(RepWeek(f"Rep {n:02d}", week, contacts, rng.randint(0, contacts)))
    tactics = [
        TacticRate(TACTICS[t].title, s.value, tried := rng.randint(1, 400), rng.randint(0, tried))
        for s, fitting in FITTING.items()
        for t in fitting
    ]
    figures = ChartFigures("Team North · weekly report", weeks, rep_weeks, tactics)
    timing, png = timed(runs, lambda: weekly_chart_png(figures))
    size = f"{reps} reps × 8 weeks, {len(tactics)} tactics, {len(png):,} B"
    return timing.row("chart PNG", size, CHART_TARGET_MS)


def run(backend: str, args: argparse.Namespace) -> list[list[Any]]:
    with tempfile.TemporaryDirectory() as tmp, common.database(backend, Path(tmp)) as url:
        engine = make_engine(url)
        clock = common.Stopwatch()
        workspace_id = seed(engine, args.reps, args.prospects, args.touches, random.Random(13))
        seconds = clock.seconds()
        engine.dispose()
        seeded = f"{args.reps * args.touches:,} touches"
        return [
            ["seed (bulk insert)", seeded, 1000 * seconds, "-", "-", "-"],
            *numbers_rows(url, workspace_id, args.runs),
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--prospects", type=int, default=200, help="per rep")
    parser.add_argument("--touches", type=int, default=2000, help="per rep, in the quarter")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (median)")
    parser.add_argument("--database-url", help="also run on this PostgreSQL (a fresh schema)")
    args = parser.parse_args()
    backends = ["sqlite"]
    if args.database_url:
        os.environ["BENCH_POSTGRES_URL"] = args.database_url  # common.database reads it
        backends.append("postgres")
    results: dict[str, Any] = {
        "reps": args.reps,
        "prospects_per_rep": args.prospects,
        "touches_per_rep": args.touches,
        "runs": args.runs,
    }
    headers = ["what", "size", "median ms", "max ms", "CPU ms", "target"]
    for backend in backends:
        rows = run(backend, args)
        common.print_table(
            f"team numbers on {backend}: {args.reps} reps × {args.prospects} prospects × "
            f"{args.touches:,} touches per rep in {QUARTER.start:%b}–{QUARTER.end:%b %Y} "
            f"(median of {args.runs}; targets: numbers ≤ {NUMBERS_TARGET_MS:.0f} ms)",
            headers,
            rows,
        )
        results[backend] = [dict(zip(headers, row, strict=True)) for row in rows]
    chart = chart_row(args.reps, args.runs)
    common.print_table(f"chart (target ≤ {CHART_TARGET_MS:.0f} ms)", headers, [chart])
    results["chart"] = dict(zip(headers, chart, strict=True))
    common.write_results(f"team_report_{args.reps}x{args.touches}", results)


if __name__ == "__main__":
    main()
