"""Cold start: `revive serve` (HTTP mode) from process start to its first answered requests.

Each run starts a fresh process against the fake Slack and a SQLite file, once empty (the
first start migrates it) and once already migrated (an ordinary restart), and records the
time until GET /healthz answers 200 and until a signed `/revive help` is answered.

    python bench/cold_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import common

from tests.fakeslack import FakeSlack
from tests.slack_driver import SlackDriver

TOKEN = "xoxb-test-T1"
SECRET = "bench-signing-secret"
TARGET_SECONDS = 2.0
POLL_SECONDS = 0.005


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def revive_command() -> list[str]:
    """The console script an admin runs, next to this interpreter when installed."""
    script = Path(sys.executable).parent / "revive"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=1) as reply:
            return reply.status == 200
    except (urllib.error.URLError, ConnectionError):
        return False


def one_start(fake: FakeSlack, db_file: Path, workdir: Path) -> dict[str, float]:
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env = {
        **clean,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite:///{db_file}",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    base = f"http://127.0.0.1:{port}"
    driver = SlackDriver(f"{base}/slack/events", SECRET, fake=fake)
    started = time.perf_counter()
    process = subprocess.Popen(
        [*revive_command(), "serve", "--no-scheduler"],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while not healthy(base):
            if process.poll() is not None:
                raise SystemExit(f"revive serve exited: {process.communicate()[1]}")
            if time.perf_counter() - started > 60:
                raise SystemExit("revive serve did not answer /healthz within 60 s")
            time.sleep(POLL_SECONDS)
        to_health = time.perf_counter() - started
        answer = driver.command("U1", "help")
        to_help = time.perf_counter() - started
        if answer.status != 200 or "/revive add" not in (answer.json() or {}).get("text", ""):
            raise SystemExit(f"unexpected answer to /revive help: {answer.status} {answer.text}")
    finally:
        process.terminate()
        process.communicate(timeout=10)
    return {"healthz": to_health, "help": to_help}


def bare_python(runs: int) -> float:
    """The floor: an interpreter that starts and exits, same machine, same moment."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - started)
    return common.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    results: dict[str, Any] = {"runs": args.runs, "command": revive_command()}
    rows = []
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        fake.add_user("U1", tz="America/New_York")
        one_start(fake, workdir / "warmup.db", workdir)  # fill the OS page cache once
        for label, fresh in (("empty database (migrates)", True), ("migrated database", False)):
            samples = []
            for run in range(args.runs):
                db_file = workdir / (f"fresh-{run}.db" if fresh else "migrated.db")
                samples.append(one_start(fake, db_file, workdir))
            health = [s["healthz"] for s in samples]
            helped = [s["help"] for s in samples]
            key = "fresh" if fresh else "migrated"
            results[key] = {
                "healthz_s": health,
                "help_s": helped,
                "median_healthz_s": common.median(health),
                "median_help_s": common.median(helped),
            }
            rows.append(
                [
                    label,
                    common.median(health),
                    max(health),
                    common.median(helped),
                    max(helped),
                    "yes" if common.median(helped) <= TARGET_SECONDS else "NO",
                ]
            )
    floor = bare_python(args.runs)
    results["bare_python_s"] = floor
    results["target_s"] = TARGET_SECONDS
    common.print_table(
        f"revive serve cold start, median of {args.runs} runs (seconds; "
        f"bare `python -c pass` takes {floor:.3f} s)",
        ["database", "healthz p50", "healthz max", "help p50", "help max", "≤ 2 s"],
        rows,
    )
    common.write_results("cold_start", results)


if __name__ == "__main__":
    main()
