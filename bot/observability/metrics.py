"""Prometheus metrics (METRICS=on): requests, ack latency, digests, lateness, outbox depth.

Off by default: until `enable()` runs, every `record_*` function returns at once and
prometheus_client is not even imported. The code that does the work calls these functions
with one line each (bot/server.py, bot/app.py, bot/reminders); nothing else knows about
Prometheus.

Several processes (gunicorn workers, a scheduler beside them): with PROMETHEUS_MULTIPROC_DIR
set, each process writes its values to files in that directory and a scrape adds them up
(prometheus_client's multiprocess mode). prometheus_client picks the mode when it is first
imported, from the process environment, so `enable()` exports the setting (it may come from
.env) before that import. The outbox depth is read from the database at scrape time.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, case, func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry, Counter, Histogram
    from prometheus_client.metrics_core import Metric

log = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
# Slack gives up on an ack after 3 s; the buckets are finest where a healthy ack lies.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
# From on time to the cutoff (hours): the tick is a minute, pacing spreads a batch.
LATENESS_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400)
# Slack's payload type → the kind counted; a slash command has no type, just "command".
KINDS = {
    "block_actions": "action",
    "interactive_message": "action",
    "view_submission": "view_submission",
    "view_closed": "view_closed",
    "block_suggestion": "options",
    "event_callback": "event",
    "app_rate_limited": "event",
    "shortcut": "shortcut",
    "message_action": "shortcut",
    "url_verification": "url_verification",
}
# The outbox statuses that are not final: a digest waiting, being sent, or retried.
OPEN_STATUSES = ("pending", "sending", "failed")


@dataclass(frozen=True, slots=True)
class _Metrics:
    requests: Counter
    ack_seconds: Histogram
    listener_errors: Counter
    digests: Counter
    in_doubt: Counter
    lateness: Histogram


_metrics: _Metrics | None = None
_lock = threading.Lock()


def enable(settings: Settings) -> None:
    """Create the metrics (once per process); from then on the record_* functions count."""
    global _metrics
    with _lock:
        if _metrics is not None:
            return
        if settings.metrics_dir:
            os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", settings.metrics_dir)
        _metrics = _create()
    log.info("metrics on%s", " (multiprocess)" if multiprocess() else "")


def enabled() -> bool:
    return _metrics is not None


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def _create() -> _Metrics:
    from prometheus_client import Counter, Histogram

    # registry=None: a scrape builds its registry (bot.observability.metrics.registry).
    return _Metrics(
        requests=Counter(
            "revive_requests",
            "Requests from Slack by kind (command, action, event…) and result "
            "(ok, refused at the door, error).",
            ["kind", "result"],
            registry=None,
        ),
        ack_seconds=Histogram(
            "revive_ack_seconds",
            "Time from receiving a Slack request to answering it (the ack), by kind.",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=None,
        ),
        listener_errors=Counter(
            "revive_listener_errors",
            "Errors raised in listeners (after or before the ack), by request kind.",
            ["kind"],
            registry=None,
        ),
        digests=Counter(
            "revive_digests",
            "Outbox rows handled by sweeps, by kind (digest, weekly_report) and outcome "
            "(sent, found: in doubt and found delivered, skipped, closed, failed).",
            ["kind", "outcome"],
            registry=None,
        ),
        in_doubt=Counter(
            "revive_digests_in_doubt",
            "Rows attempted again after an attempt that may have reached Slack.",
            ["kind"],
            registry=None,
        ),
        lateness=Histogram(
            "revive_digest_lateness_seconds",
            "How long after the rep's reminder time each digest was sent.",
            ["kind"],
            buckets=LATENESS_BUCKETS,
            registry=None,
        ),
    )


def request_kind(body: Mapping[str, Any]) -> str:
    """What a verified Slack request is, in the words of the metrics' `kind` label."""
    if body.get("command"):
        return "command"
    return KINDS.get(str(body.get("type") or ""), "other")


def record_request(kind: str, result: str, seconds: float) -> None:
    if _metrics is None:
        return
    _metrics.requests.labels(kind, result).inc()
    if result != "refused":  # a refusal never reached Bolt: no ack to time
        _metrics.ack_seconds.labels(kind).observe(seconds)


def record_listener_error(body: Mapping[str, Any]) -> None:
    if _metrics is not None:
        _metrics.listener_errors.labels(request_kind(body)).inc()


def record_digest(
    kind: str,
    outcome: str,
    *,
    in_doubt: bool = False,
    due_at: datetime | None = None,
    now: datetime | None = None,
) -> None:
    """One outbox row's outcome in a sweep; a sent one's lateness after its reminder time."""
    if _metrics is None:
        return
    _metrics.digests.labels(kind, outcome).inc()
    if in_doubt:
        _metrics.in_doubt.labels(kind).inc()
    if outcome == "sent" and due_at is not None and now is not None:
        _metrics.lateness.labels(kind).observe(max(0.0, (now - due_at).total_seconds()))


class _Collected:
    """Everything a scrape reports: this process's metrics, or every process's from the
    multiprocess directory; the process's own resources; the outbox depth, read now."""

    def __init__(self, engine: Engine | None) -> None:
        self._engine = engine

    def collect(self) -> Iterator[Metric]:
        metrics = _metrics
        if multiprocess():
            from prometheus_client import CollectorRegistry
            from prometheus_client.multiprocess import MultiProcessCollector

            yield from MultiProcessCollector(CollectorRegistry()).collect()
        else:
            from prometheus_client import ProcessCollector

            yield from ProcessCollector(registry=None).collect()
            if metrics is not None:
                for metric in metrics.__slots__:
                    yield from getattr(metrics, metric).collect()
        if self._engine is not None:
            yield from outbox_depth(self._engine)


def outbox_depth(engine: Engine) -> Iterator[Metric]:
    """Outbox rows not yet final, by status: one GROUP BY over the (status, lease) index.

    `failed` splits in two: rows a later tick retries, and rows that gave up (their
    attempts ran out); the latter stay until someone looks, so alert on their increase.
    """
    from prometheus_client.core import GaugeMetricFamily

    from bot.reminders.report import SweepOptions
    from store.models import DigestOutbox

    gave_up = DigestOutbox.attempts >= SweepOptions().max_attempts
    status = case(
        ((DigestOutbox.status == "failed") & gave_up, "gave_up"), else_=DigestOutbox.status
    )
    counts = dict.fromkeys((*OPEN_STATUSES, "gave_up"), 0)
    query = (
        select(status, func.count()).where(DigestOutbox.status.in_(OPEN_STATUSES)).group_by(status)
    )
    try:
        with engine.connect() as connection:
            counts.update({str(name): int(n) for name, n in connection.execute(query)})
    except SQLAlchemyError as error:
        # The rest of the scrape still counts; /healthz names the database as down.
        log.warning("outbox depth not read: %s", type(error).__name__)
        return
    family = GaugeMetricFamily(
        "revive_outbox_rows",
        "Digest outbox rows not yet final, by status (pending, sending, failed: retried "
        "later, gave_up: attempts ran out).",
        labels=["status"],
    )
    for name, count in counts.items():
        family.add_metric([name], count)
    yield family


def registry(engine: Engine | None) -> CollectorRegistry:
    """A registry that reports everything above; `engine` (a probe engine, see
    bot.observability.health) reads the outbox depth."""
    from prometheus_client import CollectorRegistry

    collected = CollectorRegistry(auto_describe=False)
    collected.register(_Collected(engine))  # type: ignore[arg-type]
    return collected


def render(scrape: CollectorRegistry) -> tuple[bytes, str]:
    """The text exposition of a scrape, and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return generate_latest(scrape), CONTENT_TYPE_LATEST
