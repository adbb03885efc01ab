"""The morning sweep at scale: 10,000 reps × 50 prospects across 20 time zones.

Seeds one workspace (bulk inserts through SQLAlchemy Core), then runs each phase in a
fresh process so its wall time and peak RSS are its own:

  raw SQL    one hand-written query returning every due (rep, prospect) row: the floor;
  ORM        the same rows as ORM objects, one query per local date;
  reads      the sweep's own reads (store.repo.due_prospects_by_rep: prospects and their
             touches) per claimed batch of reps, and per rep for comparison;
  due items  bot.usecases.reading.due_items_for per batch: the reads + coaching;
  sweep      bot.reminders.sweep.sweep(...) against the fake Slack answering at once, pacing off.

    python bench/sweep.py [--reps 10000] [--prospects 50] [--backend sqlite|postgres]
    python bench/sweep.py --reps 500 --prospects 50        # a quick run
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import pstats
import tempfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from time import perf_counter
from typing import Any
from zoneinfo import ZoneInfo

import common
from sqlalchemy import bindparam, select, text

from bot.domain import ProspectStatus
from bot.reminders.sweep import SweepOptions, sweep
from bot.reps import context_for
from bot.services import Services
from bot.settings import load_settings
from bot.usecases.reading import due_items_for
from bot.workspace_settings import WorkspaceSettings
from store.db import make_engine, make_session_factory
from store.models import Prospect, Rep, Workspace
from store.repo import due_prospects_by_rep
from tests.fakeslack import FakeSlack

# A Tuesday, 14:30 UTC: 09:30 in New York, 15:30 in Paris, 23:30 in Tokyo.
DEFAULT_AT = "2026-11-24T14:30:00+00:00"
TOKEN = "xoxb-test-T1"
MS_PER_REP_TARGET = 10.0
RSS_TARGET_MB = 250.0
DB_RATIO_TARGET = 3.0
BATCH = SweepOptions().batch_size  # rows the sweep claims (and composes) at a time

# Every due prospect row (all columns, as the ORM loads them) of the reps whose digest
# is due on :on: the floor the app's database phase is compared with.
RAW_DUE_SQL = text(
    """
    SELECT p.*
    FROM reps r
    JOIN prospects p ON p.rep_id = r.id AND p.workspace_id = r.workspace_id
    WHERE r.workspace_id = :workspace_id
      AND r.tz IN :zones
      AND r.deactivated_at IS NULL
      AND (r.paused_until IS NULL OR r.paused_until < :on)
      AND p.status = 'dormant'
      AND p.next_touch_on <= :on
      AND NOT EXISTS (
        SELECT 1 FROM digest_outbox o
        WHERE o.rep_id = r.id AND o.local_date = :on AND o.status IN ('sent', 'skipped')
      )
    ORDER BY r.id, p.next_touch_on, p.id
    """
).bindparams(bindparam("zones", expanding=True))


def reminder_times(at: datetime) -> dict[str, time]:
    """Each zone's reps are reminded half an hour before `at`, local time: every rep is due.

    A morning in one zone is night in another, so with one reminder time for all only a
    few zones would be due at any instant; giving each zone its own time makes the one
    sweep the issue asks for post to all 10,000 reps, across two local dates.
    """
    times = {}
    for zone in common.ZONES:
        local = at.astimezone(ZoneInfo(zone))
        earlier = local - timedelta(minutes=30)
        times[zone] = (
            earlier.time().replace(tzinfo=None) if earlier.date() == local.date() else time(0, 0)
        )
    return times


def due_zones(at: datetime, settings: WorkspaceSettings) -> dict[date, list[str]]:
    """Zones whose reps are due at `at` (past reminder time, within the cutoff), by local date.

    Seeded reps work every day and share their zone's reminder time, so this per-zone
    rule selects exactly the reps the sweep should post to.
    """
    times = reminder_times(at)
    due: dict[date, list[str]] = {}
    for zone in common.ZONES:
        local = at.astimezone(ZoneInfo(zone))
        start = datetime.combine(local.date(), times[zone], tzinfo=local.tzinfo)
        if start <= local < start + timedelta(hours=settings.digest_cutoff_hours):
            due.setdefault(local.date(), []).append(zone)
    return due


# --- the phases (each runs in a child process) ---------------------------------------------


def phase_raw(url: str, workspace_id: int, at: datetime) -> dict[str, Any]:
    engine = make_engine(url)
    zones = due_zones(at, WorkspaceSettings())
    started = perf_counter()
    pairs: set[tuple[int, int]] = set()
    with engine.connect() as connection:
        for on, names in zones.items():
            rows = connection.execute(
                RAW_DUE_SQL, {"workspace_id": workspace_id, "zones": names, "on": on}
            )
            pairs.update((row.rep_id, row.id) for row in rows)
    seconds = perf_counter() - started
    engine.dispose()
    return {
        "seconds": seconds,
        "rows": len(pairs),
        "reps": len({r for r, _ in pairs}),
        "checksum": hash(frozenset(pairs)),
    }


def due_reps(session: Any, workspace: Workspace, at: datetime) -> list[tuple[Rep, date]]:
    zones = due_zones(at, WorkspaceSettings())
    by_zone = {zone: on for on, names in zones.items() for zone in names}
    reps = session.scalars(
        select(Rep).where(Rep.workspace_id == workspace.id, Rep.tz.in_(list(by_zone)))
    )
    return [(rep, by_zone[rep.tz]) for rep in reps if rep.deactivated_at is None]


def phase_reads(
    url: str, workspace_id: int, at: datetime, batch: int, with_coach: bool
) -> dict[str, Any]:
    """What the sweep reads, `batch` reps at a time in rep id order (as it claims them)."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    started = perf_counter()
    pairs: set[tuple[int, int]] = set()
    with sessions() as session:
        workspace = session.get_one(Workspace, workspace_id)
        reps = sorted(due_reps(session, workspace, at), key=lambda pair: pair[0].id)
        for start in range(0, len(reps), batch):
            chunk = reps[start : start + batch]
            if with_coach:
                jobs = [(context_for(rep, workspace, at), on) for rep, on in chunk]
                for (ctx, _), items in zip(jobs, due_items_for(session, jobs), strict=True):
                    pairs.update((ctx.rep.id, item.facts.id) for item in items if item.facts.id)
            else:
                found = due_prospects_by_rep(
                    session, workspace_id=workspace_id, rep_dates={r.id: on for r, on in chunk}
                )
                pairs.update((r, d.prospect.id) for r, due in found.items() for d in due)
    seconds = perf_counter() - started
    engine.dispose()
    return {
        "seconds": seconds,
        "rows": len(pairs),
        "reps": len({r for r, _ in pairs}),
        "checksum": hash(frozenset(pairs)),
    }


def phase_batched(url: str, workspace_id: int, at: datetime) -> dict[str, Any]:
    """The ORM loading every due prospect of the due reps in one query per local date."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    started = perf_counter()
    pairs: set[tuple[int, int]] = set()
    with sessions() as session:
        for on, zones in due_zones(at, WorkspaceSettings()).items():
            due = session.scalars(
                select(Prospect)
                .join(Rep, Rep.id == Prospect.rep_id)
                .where(
                    Rep.workspace_id == workspace_id,
                    Rep.tz.in_(zones),
                    Rep.deactivated_at.is_(None),
                    Prospect.workspace_id == workspace_id,
                    Prospect.status == ProspectStatus.DORMANT.value,
                    Prospect.next_touch_on <= on,
                )
                .order_by(Prospect.rep_id, Prospect.next_touch_on, Prospect.id)
            )
            pairs.update((p.rep_id, p.id) for p in due)
    seconds = perf_counter() - started
    engine.dispose()
    return {
        "seconds": seconds,
        "rows": len(pairs),
        "reps": len({r for r, _ in pairs}),
        "checksum": hash(frozenset(pairs)),
    }


def phase_sweep(
    url: str, at: datetime, api_url: str, dry_run: bool, profiled: bool = False
) -> dict[str, Any]:
    """The sweep, pacing off: with dry_run, the plan and every digest composed, read-only."""
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": "bench",
            "SLACK_API_URL": api_url,
            "DATABASE_URL": url,
            "REVIVE_SCHEDULER": "off",
        }
    )
    engine = make_engine(url)
    services = Services(settings=settings, sessions=make_session_factory(engine), clock=lambda: at)
    profile = cProfile.Profile() if profiled else None
    started = perf_counter()
    if profile is not None:
        profile.enable()
    report = sweep(services, at, dry_run=dry_run, options=SweepOptions(pacing=False))
    if profile is not None:
        profile.disable()
    seconds = perf_counter() - started
    top = ""
    if profile is not None:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(30)
        top = out.getvalue()
    engine.dispose()
    outcomes: dict[str, int] = {}
    for line in report.lines:
        outcomes[line.outcome] = outcomes.get(line.outcome, 0) + 1
    return {
        "seconds": seconds,
        "summary": report.summary(),
        "lines": outcomes,
        "reps": len(report.lines),
        "problems": report.problems[:5],
        "profile": top,
    }


def child(name: str, args: tuple[Any, ...], out: Connection) -> None:
    phases: dict[str, Callable[..., dict[str, Any]]] = {
        "raw": phase_raw,
        "reads_per_rep": lambda *a: phase_reads(*a, batch=1, with_coach=False),
        "reads": lambda *a: phase_reads(*a, batch=BATCH, with_coach=False),
        "due_items": lambda *a: phase_reads(*a, batch=BATCH, with_coach=True),
        "batched": phase_batched,
        "dry_run": lambda url, _workspace, at: phase_sweep(url, at, "http://127.0.0.1:9/", True),
        "sweep": lambda url, _workspace, at, api, prof: phase_sweep(url, at, api, False, prof),
    }
    result = phases[name](*args)
    result["peak_rss_mb"] = common.peak_rss_mb()
    out.send(result)


def in_child(name: str, *args: Any) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=child, args=(name, args, send))
    process.start()
    send.close()  # so a child that dies ends recv() with EOFError instead of hanging
    result = receive.recv()
    process.join()
    return result  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--prospects", type=int, default=50, help="per rep")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--at", default=DEFAULT_AT, help="the sweep instant (ISO 8601)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each read-only phase")
    parser.add_argument("--profile", action="store_true", help="run the sweep under cProfile")
    args = parser.parse_args()
    at = datetime.fromisoformat(args.at)

    results: dict[str, Any] = {
        "reps": args.reps,
        "prospects_per_rep": args.prospects,
        "backend": args.backend,
        "at": args.at,
        "due_zones": {str(k): v for k, v in due_zones(at, WorkspaceSettings()).items()},
    }
    rows: list[list[Any]] = []
    with tempfile.TemporaryDirectory() as tmp, common.database(args.backend, Path(tmp)) as url:
        engine = make_engine(url)
        clock = common.Stopwatch()
        seeded = common.seed(
            engine,
            reps=args.reps,
            prospects_per_rep=args.prospects,
            today=at.date(),
            now=at,
            reminder_times=reminder_times(at),
        )
        results["seed_seconds"] = clock.seconds()
        with engine.connect() as connection:  # fresh statistics for the planner
            connection.execute(text("ANALYZE"))
            connection.commit()
        engine.dispose()
        rows.append(
            [
                "seed (bulk insert)",
                f"{seeded['prospects']:,} prospects",
                results["seed_seconds"],
                "-",
                "-",
            ]
        )

        workspace_id = seeded["workspace_id"]
        phases = (
            ("raw", "raw SQL (one query)"),
            ("batched", "ORM, one query per date"),
            ("reads_per_rep", "the sweep's reads, per rep"),
            ("reads", f"the sweep's reads, per batch of {BATCH} (database phase)"),
            ("due_items", f"due_items_for per batch of {BATCH} (+ coach)"),
        )
        for name, label in phases:
            runs = [in_child(name, url, workspace_id, at) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["seconds"])
            best["all_seconds"] = [r["seconds"] for r in runs]
            results[name] = best
            middle = common.median(best["all_seconds"])
            rows.append(
                [
                    label,
                    f"{best['rows']:,} rows / {best['reps']:,} reps",
                    middle,
                    1000 * middle / max(best["reps"], 1),
                    max(r["peak_rss_mb"] for r in runs),
                ]
            )
        raw_seconds = common.median(results["raw"]["all_seconds"])
        for name in ("batched", "reads_per_rep", "reads", "due_items"):
            results[name]["same_rows_as_raw"] = (
                results[name]["checksum"] == results["raw"]["checksum"]
            )
            results[name]["ratio_to_raw"] = (
                common.median(results[name]["all_seconds"]) / raw_seconds
            )

        dry = [in_child("dry_run", url, workspace_id, at) for _ in range(args.repeat)]
        results["dry_run"] = {**dry[0], "all_seconds": [r["seconds"] for r in dry]}
        dry_seconds = common.median(results["dry_run"]["all_seconds"])
        results["dry_run"]["ratio_to_raw"] = dry_seconds / raw_seconds
        rows.append(
            [
                "sweep --dry-run (plan + compose)",
                f"{dry[0]['reps']:,} reps",
                dry_seconds,
                1000 * dry_seconds / max(dry[0]["reps"], 1),
                max(r["peak_rss_mb"] for r in dry),
            ]
        )
        with FakeSlack(validate=False) as fake:  # answers at once: our own time
            swept = in_child("sweep", url, workspace_id, at, fake.api_url, args.profile)
            swept["posts"] = len(fake.calls_to("chat.postMessage"))
            swept["validation_errors"] = fake.validation_errors[:5]
        results["sweep"] = swept
        rows.append(
            [
                "sweep (fake Slack, pacing off)",
                f"{swept['posts']:,} posts",
                swept["seconds"],
                1000 * swept["seconds"] / max(swept["posts"], 1),
                swept["peak_rss_mb"],
            ]
        )

    common.print_table(
        f"sweep at {args.at}: {args.reps:,} reps × {args.prospects} prospects on "
        f"{args.backend}; {results['raw']['reps']:,} reps due (median of {args.repeat})",
        ["phase", "size", "wall s", "ms / due rep", "peak RSS MB"],
        rows,
    )
    for name in ("batched", "reads_per_rep", "reads", "due_items", "dry_run"):
        r = results[name]
        same = f"; same rows: {r['same_rows_as_raw']}" if "same_rows_as_raw" in r else ""
        print(f"{name}: {r['ratio_to_raw']:.1f}× the raw query{same}")
    swept = results["sweep"]
    if swept["profile"]:
        print(swept["profile"])
    per_digest = 1000 * swept["seconds"] / max(swept["posts"], 1)
    print(f"sweep: {swept['summary']}")
    print(
        f"targets: ≤ {MS_PER_REP_TARGET} ms per digest: {per_digest:.1f} ms "
        f"{'met' if per_digest <= MS_PER_REP_TARGET else 'MISSED'}; peak RSS ≤ "
        f"{RSS_TARGET_MB:.0f} MB: {swept['peak_rss_mb']:.0f} MB "
        f"{'met' if swept['peak_rss_mb'] <= RSS_TARGET_MB else 'MISSED'}; database phase "
        f"(the sweep's reads) ≤ {DB_RATIO_TARGET}× raw: {results['reads']['ratio_to_raw']:.1f}×"
    )
    # A profiled run is twice as slow: it never overwrites the plain run's results.
    suffix = "_profiled" if args.profile else ""
    common.write_results(f"sweep_{args.backend}_{args.reps}x{args.prospects}{suffix}", results)


if __name__ == "__main__":
    main()
