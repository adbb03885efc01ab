"""The tactic ranking's one query at scale: a workspace's tries per (situation, tactic).

Seeds one workspace as bench/team_report.py does (50 reps × 200 prospects × 2,000 touches per
rep in a quarter: 100,000 touches by default), then times store.tactic_counts
.settled_pair_counts, median of N runs after one warm-up: what the morning sweep reads once
per workspace, and a digest refresh or the Home once per request.

    python bench/tactic_counts.py [--reps 50] [--prospects 200] [--touches 2000] [--runs 7]
    python bench/tactic_counts.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path
from statistics import median
from time import perf_counter

import common
import team_report

from store.db import make_engine, make_session_factory
from store.tactic_counts import settled_pair_counts

TARGET_MS = 500.0  # once per workspace per sweep; a refresh can afford it too


def timed(url: str, workspace_id: int, runs: int) -> tuple[float, int, int]:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    today = team_report.QUARTER.end
    walls, pairs, tries = [], 0, 0
    for run in range(runs + 1):
        with sessions() as session:
            started = perf_counter()
            counts = settled_pair_counts(session, workspace_id=workspace_id, today=today)
            wall = (perf_counter() - started) * 1000
        if run:  # the first run warms caches
            walls.append(wall)
        pairs, tries = len(counts), sum(c.tries for c in counts.values())
    engine.dispose()
    return median(walls), pairs, tries


def run(backend: str, args: argparse.Namespace) -> list[object]:
    with tempfile.TemporaryDirectory() as directory, common.database(
        backend, Path(directory)
    ) as url:
        engine = make_engine(url)
        workspace_id = team_report.seed(
            engine, args.reps, args.prospects, args.touches, random.Random(16)
        )
        engine.dispose()
        wall, pairs, tries = timed(url, workspace_id, args.runs)
    touches = args.reps * args.touches
    verdict = "met" if wall <= TARGET_MS else "missed"
    return [backend, f"{touches:,}", pairs, f"{tries:,}", f"{wall:.0f}", f"{verdict}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--prospects", type=int, default=200)
    parser.add_argument("--touches", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", help="also PostgreSQL (a fresh schema there)")
    args = parser.parse_args()
    rows = [run("sqlite", args)]
    if args.database_url:
        import os

        os.environ["BENCH_POSTGRES_URL"] = args.database_url
        rows.append(run("postgresql", args))
    common.print_table(
        f"settled_pair_counts, median of {args.runs} (target {TARGET_MS:.0f} ms)",
        ["database", "touches", "pairs", "settled tries", "ms", "target"],
        rows,
    )


if __name__ == "__main__":
    main()
