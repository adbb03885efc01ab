"""Metrics across processes (PROMETHEUS_MULTIPROC_DIR: gunicorn workers, a scheduler) and on
a port of their own (METRICS_PORT); the settings that would make a scrape lie are refused."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.observability import endpoints
from bot.observability.endpoints import Endpoints
from bot.settings import ConfigError, load_settings
from store.db import make_engine
from store.migrate import upgrade

# One process of a multiprocess deployment: counts what it is told, then exits.
WORKER = """
import sys
from bot.observability import metrics
from bot.settings import load_settings
metrics.enable(load_settings(require_slack=False))
for _ in range(int(sys.argv[1])):
    metrics.record_request("command", "ok", 0.01)
metrics.record_digest("digest", "sent")
"""
# A scrape of the directory: what /metrics answers in any of the processes.
SCRAPE = """
import sys
from bot.observability import metrics
from bot.observability.health import probe_engine
from bot.settings import load_settings
settings = load_settings(require_slack=False)
metrics.enable(settings)
body, _ = metrics.render(metrics.registry(probe_engine(settings.database_url)))
sys.stdout.write(body.decode())
"""


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def run(code: str, *args: str, env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def sqlite_at_head(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'revive.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def test_a_scrape_adds_up_every_process_in_the_multiprocess_directory(tmp_path: Path) -> None:
    shared = tmp_path / "metrics"
    shared.mkdir()
    env = {
        **os.environ,
        "METRICS": "on",
        "PROMETHEUS_MULTIPROC_DIR": str(shared),
        "DATABASE_URL": sqlite_at_head(tmp_path),
    }
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    run(WORKER, "2", env=env, cwd=tmp_path)
    run(WORKER, "3", env=env, cwd=tmp_path)
    assert len(list(shared.glob("counter_*.db"))) == 2  # one file per process

    scraped = samples(run(SCRAPE, env=env, cwd=tmp_path))
    requests = ("revive_requests_total", frozenset({("kind", "command"), ("result", "ok")}))
    assert scraped[requests] == 5
    sent = ("revive_digests_total", frozenset({("kind", "digest"), ("outcome", "sent")}))
    assert scraped[sent] == 2
    count = ("revive_ack_seconds_count", frozenset({("kind", "command")}))
    assert scraped[count] == 5
    assert scraped[("revive_outbox_rows", frozenset({("status", "pending")}))] == 0


def test_metrics_port_serves_metrics_and_the_slack_port_does_not(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = load_settings(
        {"METRICS": "on", "METRICS_PORT": str(port), "DATABASE_URL": sqlite_at_head(tmp_path)},
        require_slack=False,
    )
    # With its own port, /metrics is not on the port Slack (and the internet) reaches.
    assert Endpoints.for_settings(settings).scrape is None
    server = endpoints.serve_metrics_port(settings, host="127.0.0.1")
    try:
        url = f"http://127.0.0.1:{port}/metrics"
        with urllib.request.urlopen(url, timeout=10) as reply:
            scraped = samples(reply.read().decode())
    finally:
        server.shutdown()
        server.server_close()
    assert ("revive_outbox_rows", frozenset({("status", "failed")})) in scraped


def test_several_workers_without_a_shared_directory_are_refused() -> None:
    settings = load_settings({"METRICS": "on"}, require_slack=False)
    args = argparse.Namespace(command="serve", workers=2)
    with pytest.raises(ConfigError, match="PROMETHEUS_MULTIPROC_DIR"):
        endpoints.start(settings, args)


def test_metrics_settings_are_checked_at_start(tmp_path: Path) -> None:
    assert load_settings({}, require_slack=False).metrics is False
    with pytest.raises(ConfigError, match="METRICS must be 'on' or 'off'"):
        load_settings({"METRICS": "yes"}, require_slack=False)
    with pytest.raises(ConfigError, match="METRICS_PORT must be a number"):
        load_settings({"METRICS_PORT": "99999"}, require_slack=False)
    missing = str(tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="PROMETHEUS_MULTIPROC_DIR must be a writable"):
        load_settings({"PROMETHEUS_MULTIPROC_DIR": missing}, require_slack=False)
