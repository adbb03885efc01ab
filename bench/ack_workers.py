"""Capacity with several HTTP workers: `python bench/ack_latency.py --workers 1,2`.

For each target — 1 worker on SQLite, and 1 and 2 workers on PostgreSQL — the highest
open-loop rate (request i sent at i/rate s, latency counted from then) whose p99 stays
within 250 ms with no errors. One worker is `revive serve` as it runs today (waitress,
one process); N > 1 is `revive serve --workers N`: gunicorn, gthread workers, each
building its own engine and app after the fork (bot/server_workers.py). The load
generator and the fake Slack run in this process, on the same cores as the targets.

Search: from `--start-rate` the rate grows by half while trials hold (or shrinks by a third
while they miss), then three bisections between the highest rate that held and the lowest
that missed. Each trial lasts `--seconds`; an uncounted trial at half the starting rate
warms every worker first.
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ack_latency
import common

from store.db import make_engine
from tests.fakeslack import FakeSlack

P99_LIMIT_MS = 250.0


def serve_gunicorn(api_url: str, database_url: str, listener_threads: int, port: int,
                   workers: int) -> None:  # fmt: skip
    """The child: gunicorn's master, whose workers each build the real app after the fork."""
    from bot.server_workers import run_workers

    def build() -> Any:
        return ack_latency.real_app(api_url, database_url, listener_threads)

    run_workers(build, port=port, workers=workers, log_level="WARNING")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_answering(port: int, process: multiprocessing.process.BaseProcess) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if not process.is_alive():
            raise SystemExit(f"the gunicorn target exited ({process.exitcode})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:  # refused, or accepted by the master before a worker is up
            time.sleep(0.2)
    raise SystemExit("no gunicorn worker answered within 90 s")


def start(name: str, workers: int, api_url: str, url: str, threads: int) -> ack_latency.Target:
    if workers == 1:
        return ack_latency.start_target(name, "real", api_url, url, threads)
    port = free_port()
    process = multiprocessing.get_context("spawn").Process(
        target=serve_gunicorn, args=(api_url, url, threads, port, workers), daemon=False
    )
    process.start()
    wait_answering(port, process)
    return ack_latency.Target(name, process, port)


@dataclass
class Trial:
    rate: float
    p99_ms: float
    errors: int
    achieved_rps: float

    @property
    def held(self) -> bool:
        return self.errors == 0 and self.p99_ms <= P99_LIMIT_MS


def trial(fake: FakeSlack, target: ack_latency.Target, plan: ack_latency.Plan, mix: list[str],
          rate: float, args: argparse.Namespace) -> Trial:  # fmt: skip
    count = max(150, int(rate * args.seconds))
    requests = ack_latency.prepare(fake, mix, plan, count)
    started = time.perf_counter()
    samples = ack_latency.run_load(target.port, requests, args.in_flight, rate)
    stats = ack_latency.summary(samples)
    wall = time.perf_counter() - started
    found = Trial(rate, stats["p99_ms"], int(stats["errors"]), count / wall)
    print(f"  {target.name}: {rate:7.1f} req/s → p99 {found.p99_ms:7.1f} ms, "
          f"{found.errors} errors, {'held' if found.held else 'missed'}", flush=True)  # fmt: skip
    return found


def capacity(fake: FakeSlack, target: ack_latency.Target, plan: ack_latency.Plan,
             mix: list[str], args: argparse.Namespace) -> tuple[float, list[Trial]]:  # fmt: skip
    """Up by half while trials hold (down by a third while they miss), then bisect."""
    trials: list[Trial] = []
    rate, held, missed = args.start_rate, 0.0, None
    while 1.0 <= rate <= args.max_rate:
        trials.append(trial(fake, target, plan, mix, rate, args))
        if trials[-1].held:
            held = max(held, rate)
            if missed is not None:
                break
            rate *= 1.5
        else:
            missed = rate if missed is None else min(missed, rate)
            if held:
                break
            rate /= 1.5
    for _ in range(3 if missed is not None and held else 0):
        middle = (held + missed) / 2  # type: ignore[operator]
        trials.append(trial(fake, target, plan, mix, middle, args))
        held, missed = (middle, missed) if trials[-1].held else (held, middle)
    return held, trials


TARGETS = [("sqlite", 1), ("postgres", 1), ("postgres", 2)]


def main(args: argparse.Namespace) -> None:
    counts = {int(n) for n in args.workers.split(",")}
    backends = set(args.backends.split(","))
    wanted = [(b, n) for b, n in TARGETS if n in counts and b in backends]
    mix, users = args.mix.split(","), [common.user_id(n) for n in range(args.reps)]
    now, rows, results = datetime.now(UTC), [], {"targets": {}, "p99_limit_ms": P99_LIMIT_MS}
    with FakeSlack(validate=False) as fake, ExitStack() as stack:
        for user in users:
            fake.add_user(user, tz=common.ZONES[int(user[1:]) % len(common.ZONES)])
        for backend, workers in wanted:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            url = stack.enter_context(common.database(backend, tmp))
            engine = make_engine(url)
            common.seed(engine, reps=args.reps, prospects_per_rep=args.prospects,
                        today=now.date(), now=now)  # fmt: skip
            engine.dispose()
            plan = ack_latency.load_plan(url, users, now.date())
            name = f"{workers} worker{'s' if workers > 1 else ''}/{backend}"
            target = start(name, workers, fake.api_url, url, args.listener_threads)
            try:
                warm = ack_latency.prepare(fake, mix, plan, max(args.warmup, 2 * len(users)))
                ack_latency.run_load(target.port, warm, 4)
                # Each worker warms on its own (imports, compiled statements, connections):
                # one uncounted trial at half the starting rate reaches them all.
                print(f"  {name}: warm-up trial (not counted)", flush=True)
                trial(fake, target, plan, mix, args.start_rate / 2, args)
                best, trials = capacity(fake, target, plan, mix, args)
            finally:
                target.process.terminate()
                target.process.join(20)
            done = {"max_rate_rps": best, "trials": [vars(t) for t in trials]}
            results["targets"][name] = done
            rows.append([name, best, len(trials)])
    common.print_table(
        f"highest open-loop rate with p99 ≤ {P99_LIMIT_MS:.0f} ms and no errors, mix "
        f"{'/'.join(mix)}, up to {args.in_flight} in flight, {args.seconds:g} s per trial",
        ["target", "req/s", "trials"],
        rows,
    )
    common.write_results("ack_workers", results)
