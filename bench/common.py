"""Shared helpers for the benchmark scripts: seeding, percentiles, tables, memory, results.

Run the scripts from the repository root (`python bench/<script>.py`); importing this
module puts the root on sys.path so the test kit (tests.fakeslack, tests.slack_driver)
is importable next to the installed packages.
"""

from __future__ import annotations

import json
import math
import os
import platform
import resource
import sys
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, insert, text

from bot.domain import ProspectStatus, Situation
from store.db import make_engine
from store.migrate import upgrade
from store.models import Prospect, Rep, Workspace

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
# The test kit (tests.fakeslack, tests.slack_driver) is not an installed package.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# Twenty zones spread around the clock, so one sweep instant finds some reps past their
# reminder time, some before it, and two local dates at once.
ZONES: tuple[str, ...] = (
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Atlantic/Azores",
    "Europe/London",
    "Europe/Paris",
    "Europe/Helsinki",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)
SITUATIONS = tuple(s.value for s in Situation)
CHUNK = 10_000


# --- statistics and output ---------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation, like numpy's default."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[fmt(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    print(f"\n{title}")
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    for row in cells:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))


def fmt(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }


def write_results(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    stamped = {
        "benchmark": name,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        **data,
    }
    path.write_text(json.dumps(stamped, indent=2, default=str) + "\n")
    print(f"\nwrote {path.relative_to(ROOT)}")
    return path


class Stopwatch:
    def __init__(self) -> None:
        self.started = perf_counter()

    def seconds(self) -> float:
        return perf_counter() - self.started


# --- databases ----------------------------------------------------------------------------


@contextmanager
def database(backend: str, directory: Path) -> Iterator[str]:
    """An empty, migrated database URL: a SQLite file, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        url = f"sqlite:///{directory / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    base = os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}?options={quote(f'-csearch_path={schema}')}"
    try:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def user_id(n: int) -> str:
    return f"U{n:06d}"


def seed(
    engine: Engine,
    *,
    reps: int,
    prospects_per_rep: int,
    today: date,
    now: datetime,
    team_id: str = "T1",
    zones: Sequence[str] = ZONES,
    due_share: float = 0.2,
    reminder_times: Mapping[str, time] | None = None,
) -> dict[str, int]:
    """One workspace, `reps` reps spread over `zones`, `prospects_per_rep` dormant prospects each.

    About `due_share` of each rep's prospects are due today or earlier; the rest are due
    over the coming weeks. `reminder_times` gives the reps of a zone their own reminder
    time (None: the workspace default). Rows go in through SQLAlchemy Core executemany.
    """
    times = reminder_times or {}
    with engine.begin() as connection:
        workspace_id = connection.execute(
            insert(Workspace).returning(Workspace.id),
            {"team_id": team_id, "name": "Bench", "settings": {}, "created_at": now},
        ).scalar_one()
        rep_rows = [
            {
                "workspace_id": workspace_id,
                "slack_user_id": user_id(n),
                "tz": zones[n % len(zones)],
                "reminder_time": times.get(zones[n % len(zones)]),
                "workdays": "0,1,2,3,4,5,6",
                "created_at": now,
                "updated_at": now,
            }
            for n in range(reps)
        ]
        for start in range(0, len(rep_rows), CHUNK):
            connection.execute(insert(Rep), rep_rows[start : start + CHUNK])
        rep_ids = [
            row[0]
            for row in connection.execute(
                text("SELECT id FROM reps WHERE workspace_id = :w ORDER BY id"), {"w": workspace_id}
            )
        ]
    due_every = max(1, round(1 / due_share)) if due_share > 0 else 0
    batch: list[dict[str, Any]] = []
    total = 0
    for rep_id in rep_ids:
        for k in range(prospects_per_rep):
            due = due_every and k % due_every == 0
            batch.append(
                {
                    "workspace_id": workspace_id,
                    "rep_id": rep_id,
                    "name": f"Prospect {rep_id}-{k}",
                    "company": f"Company {k % 97}",
                    "situation": SITUATIONS[k % len(SITUATIONS)],
                    "status": ProspectStatus.DORMANT.value,
                    "next_touch_on": today - timedelta(days=k % 5)
                    if due
                    else today + timedelta(days=1 + k % 40),
                    "sequence_step": 0,
                    "nothing_new_streak": 0,
                    "version": 1,
                    "created_on": today - timedelta(days=60 + k % 200),
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if len(batch) >= CHUNK:
                total += _insert_prospects(engine, batch)
                batch = []
    if batch:
        total += _insert_prospects(engine, batch)
    return {"workspace_id": workspace_id, "reps": len(rep_ids), "prospects": total}


def _insert_prospects(engine: Engine, rows: list[dict[str, Any]]) -> int:
    with engine.begin() as connection:
        connection.execute(insert(Prospect), rows)
    return len(rows)
