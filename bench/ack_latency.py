"""Acknowledgement latency: the real app over HTTP vs a bare Bolt app that only ack()s.

Each target runs in its own process behind the same server code (bot.server's waitress);
this process is the load generator (a thread pool, one keep-alive http.client connection
per thread) and hosts the fake Slack. Every target gets the same signed requests, the
same mix, at each concurrency level, in the same run. Latency = request sent → HTTP
response read, i.e. the time until Slack would see the ack.

    python bench/ack_latency.py [--requests 2000] [--levels 1,10,50]
                                [--backends sqlite,postgres] [--reps 20] [--prospects 50]
    python bench/ack_latency.py --workers 1,2 [--prospects 200]   # capacity per worker count
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import logging
import multiprocessing
import re
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import common
from slack_bolt import Ack, App
from sqlalchemy import select

from bot import coach, ids
from bot.app import build_app
from bot.blocks.add_modal import FIELD_BLOCKS
from bot.server import EVENTS_PATH, make_http_server
from bot.services import Services
from bot.settings import DEFAULT_LISTENER_THREADS, load_settings
from bot.slack_client import make_client
from store.db import make_engine, make_session_factory
from store.models import Prospect, Rep
from store.repo import prospect_facts
from tests.fakeslack import FakeSlack
from tests.slack_driver import (
    Response,
    SlackDriver,
    datepicker,
    plain_text,
    radio,
    sign,
    static_select,
)

TOKEN = "xoxb-test-T1"
SECRET = "bench-signing-secret"
TARGET_RATIO = 1.5
DATE_FIELDS = ("contract_end", "decision_date", "proposal_sent_on", "proposal_expires_on")


# --- the servers under test (each in a child process) ---------------------------------------


def bare_app(api_url: str, listener_threads: int) -> App:
    """The baseline: Bolt with the same routes, every listener only acknowledges."""
    app = App(
        signing_secret=SECRET,
        client=make_client(TOKEN, api_url),
        token_verification_enabled=False,
        process_before_response=False,
        listener_executor=ThreadPoolExecutor(max_workers=listener_threads),
    )

    def only_ack(ack: Ack) -> None:
        ack()

    app.command("/revive")(only_ack)
    app.action(re.compile(".*"))(only_ack)
    app.view(re.compile(".*"))(only_ack)
    return app


def real_app(api_url: str, database_url: str, listener_threads: int) -> App:
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url,
            "DATABASE_URL": database_url,
            "REVIVE_SCHEDULER": "off",
            "LOG_LEVEL": "WARNING",
            "LISTENER_THREADS": str(listener_threads),
        }
    )
    sessions = make_session_factory(make_engine(database_url))
    return build_app(Services(settings=settings, sessions=sessions))


def serve(
    kind: str, api_url: str, database_url: str, listener_threads: int, port_out: Connection
) -> None:
    logging.basicConfig(level=logging.WARNING)
    # Concurrency 50 over 16 server threads queues by design; one warning per request.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if kind == "bare":
        app = bare_app(api_url, listener_threads)
    else:
        app = real_app(api_url, database_url, listener_threads)
    server = make_http_server(app, host="127.0.0.1", port=0)
    port_out.send(server.effective_port)
    server.run()


@dataclass
class Target:
    name: str
    process: multiprocessing.process.BaseProcess
    port: int


def start_target(
    name: str, kind: str, api_url: str, database_url: str, listener_threads: int
) -> Target:
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=serve, args=(kind, api_url, database_url, listener_threads, send), daemon=True
    )
    process.start()
    if not receive.poll(60):
        raise SystemExit(f"{name} did not start")
    return Target(name, process, receive.recv())


# --- requests: built once by the test kit's driver, signed when sent -------------------------


@dataclass(frozen=True)
class Prepared:
    kind: str
    body: bytes
    content_type: str


class Recorder(SlackDriver):
    """The test kit's driver, but keeping each payload instead of sending it."""

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__("http://unused", SECRET, team_id="T1", fake=fake)
        self.kept: list[tuple[bytes, str]] = []

    def post(self, body: bytes, content_type: str, **kwargs: Any) -> Response:
        self.kept.append((body, content_type))
        return Response(200, {}, b"")


def add_form(name: str) -> dict[str, dict[str, dict[str, Any]]]:
    wanted = {"name": name, "company": "Bench Corp", "situation": "went_quiet"}
    values = {}
    for field_name, block_id in FIELD_BLOCKS.items():
        value = wanted.get(field_name)
        if field_name == "situation":
            state = static_select(value)
        elif field_name in DATE_FIELDS:
            state = datepicker(value)
        else:
            state = plain_text(value)
        values[block_id] = {block_id: state}
    return values


@dataclass
class Plan:
    """Who sends what: each rep's seeded prospects (id, a tactic that fits), used so that
    every outcome goes to a prospect not logged before (at its first version) and tactic
    clicks to prospects no outcome touches. One plan per target: each has its own database.
    """

    users: list[str]
    prospects: dict[str, list[tuple[int, str]]]
    counters: dict[str, itertools.count[int]] = field(default_factory=dict)

    def next(self, kind: str) -> int:
        return next(self.counters.setdefault(kind, itertools.count()))

    def user(self, n: int) -> str:
        return self.users[n % len(self.users)]

    def outcome_target(self) -> tuple[str, int, str]:
        n = self.next("outcome")
        user = self.user(n)
        owned = self.prospects[user]
        if n // len(self.users) >= len(owned) // 2:
            raise SystemExit("not enough seeded prospects for the outcomes: raise --prospects")
        prospect_id, tactic = owned[n // len(self.users)]
        return user, prospect_id, tactic

    def click_target(self) -> tuple[str, int, str]:
        n = self.next("click")
        user = self.user(n)
        owned = self.prospects[user]
        prospect_id, tactic = owned[-1 - (n // len(self.users)) % (len(owned) // 2)]
        return user, prospect_id, tactic


def load_plan(database_url: str, users: list[str], today: date) -> Plan:
    engine = make_engine(database_url)
    prospects: dict[str, list[tuple[int, str]]] = {}
    with make_session_factory(engine)() as session:
        rows = session.execute(
            select(Rep.slack_user_id, Prospect)
            .join(Rep, Rep.id == Prospect.rep_id)
            .order_by(Prospect.id)
        )
        for user, prospect in rows:
            choice = coach.tactics_for(prospect_facts(prospect), [], today)[0]
            prospects.setdefault(user, []).append((prospect.id, choice.tactic.id))
    engine.dispose()
    return Plan(users, prospects)


def tactic_click(d: Recorder, plan: Plan) -> None:
    user, prospect_id, tactic = plan.click_target()
    value = ids.encode_value(ids.ActionValue(prospect_id, 1, tactic_id=tactic))
    home = {"id": "VH1", "type": "home", "blocks": []}
    d.block_action(user, ids.TACTIC, value=value, view=home)


def outcome_submission(d: Recorder, plan: Plan) -> None:
    user, prospect_id, tactic = plan.outcome_target()
    meta = ids.encode_meta(ids.ModalMeta(prospect_id=prospect_id, version=1, tactic_id=tactic))
    values = {ids.IN_OUTCOME: {ids.OUTCOME_SELECT: radio("no_reply")}}
    d.view_submission(user, ids.OUTCOME_MODAL, values, private_metadata=meta)


def add_submission(d: Recorder, plan: Plan) -> None:
    n = plan.next("add")
    meta = ids.encode_meta(ids.ModalMeta())
    form = add_form(f"Bench Prospect {n}")  # unique: never a duplicate prompt
    d.view_submission(plan.user(n), ids.ADD_MODAL, form, private_metadata=meta)


Builder = Callable[[Recorder, Plan], None]

# What a mix can contain. The default is the issue's: `/revive list`, a tactic click
# (reads the prospect, acks, then opens the tactic card) and an outcome submission
# (validates, logs the touch and commits before its ack).
KINDS: dict[str, Builder] = {
    "list": lambda d, plan: d.command(plan.user(plan.next("list")), "list"),
    "help": lambda d, plan: d.command(plan.user(plan.next("help")), "help"),
    "tactic_click": tactic_click,
    "outcome_submission": outcome_submission,
    "home_add_click": lambda d, plan: d.block_action(
        plan.user(plan.next("home")),
        ids.HOME_ADD,
        value="add",
        view={"id": "VH1", "type": "home", "blocks": []},
    ),
    "add_submission": add_submission,
}
DEFAULT_MIX = "list,tactic_click,outcome_submission"


def prepare(fake: FakeSlack, mix: list[str], plan: Plan, count: int) -> list[Prepared]:
    recorder = Recorder(fake)
    prepared = []
    for n in range(count):
        kind = mix[n % len(mix)]
        KINDS[kind](recorder, plan)
        body, content_type = recorder.kept[-1]
        prepared.append(Prepared(kind, body, content_type))
    return prepared


# --- the load generator -----------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    seconds: float
    status: int


def run_load(
    port: int, requests: list[Prepared], concurrency: int, rate: float = 0.0
) -> list[Sample]:
    """Closed loop (each of `concurrency` clients sends again as soon as answered), or with
    `rate` open loop: request i is due at i/rate seconds and its latency counts from then,
    so waiting for a free client is included (no coordinated omission)."""
    local = threading.local()
    start = time.perf_counter() + 0.05

    def connection() -> http.client.HTTPConnection:
        if getattr(local, "connection", None) is None:
            local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        return local.connection  # type: ignore[no-any-return]

    def send(indexed: tuple[int, Prepared]) -> Sample:
        index, request = indexed
        due = start + index / rate if rate else 0.0
        if rate and due > time.perf_counter():
            time.sleep(due - time.perf_counter())
        stamp = int(time.time())
        headers = {
            "Content-Type": request.content_type,
            "X-Slack-Request-Timestamp": str(stamp),
            "X-Slack-Signature": sign(SECRET, stamp, request.body),
        }
        started = due if rate else time.perf_counter()
        try:
            connection().request("POST", EVENTS_PATH, request.body, headers)
            reply = connection().getresponse()
            answer = reply.read()
        except (http.client.HTTPException, OSError):
            local.connection = None  # the server closed it: reconnect once
            connection().request("POST", EVENTS_PATH, request.body, headers)
            reply = connection().getresponse()
            answer = reply.read()
        # An error ack is a fast ack, not a measurement of the real work: count it as failed.
        failed = b"went wrong" in answer or b'"response_action": "errors"' in answer
        return Sample(request.kind, time.perf_counter() - started, 500 if failed else reply.status)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(send, enumerate(requests)))


def summary(samples: list[Sample]) -> dict[str, float]:
    ms = [s.seconds * 1000 for s in samples]
    return {
        "p50_ms": common.percentile(ms, 50),
        "p95_ms": common.percentile(ms, 95),
        "p99_ms": common.percentile(ms, 99),
        "max_ms": max(ms),
        "errors": sum(1 for s in samples if s.status != 200),
    }


SLACK_METHODS = (
    "views.open",
    "views.update",
    "chat.update",
    "chat.postMessage",
    "chat.postEphemeral",
    "users.info",
)


def add_worker_options(parser: argparse.ArgumentParser) -> None:
    """`--workers 1,2`: the capacity search of bench/ack_workers.py instead of the levels."""
    parser.add_argument(
        "--workers",
        help="worker counts, e.g. 1,2: for each, the highest open-loop rate with p99 ≤ 250 ms "
        "(1 worker on SQLite and PostgreSQL, more on PostgreSQL; see bench/ack_workers.py)",
    )
    parser.add_argument("--seconds", type=float, default=6.0, help="per capacity trial")
    parser.add_argument("--in-flight", type=int, default=64, help="clients in a capacity trial")
    parser.add_argument("--start-rate", type=float, default=40.0)
    parser.add_argument("--max-rate", type=float, default=2000.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--levels", default="1,10,50")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--mix", default=DEFAULT_MIX, help=f"from: {', '.join(KINDS)}")
    parser.add_argument("--reps", type=int, default=60, help="distinct users sending requests")
    parser.add_argument("--prospects", type=int, default=80, help="prospects per rep")
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument(
        "--slack-delay",
        type=float,
        default=0.0,
        help="seconds the fake Slack takes per Web API call (real Slack: ~0.1-0.3)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="open loop: requests per second (levels = max in flight)",
    )
    parser.add_argument(
        "--listener-threads",
        type=int,
        default=DEFAULT_LISTENER_THREADS,
        help="Bolt listener pool size in every target (Revive's LISTENER_THREADS default; "
        "Bolt's own default is 5)",
    )
    add_worker_options(parser)
    args = parser.parse_args()
    if args.workers:
        import ack_workers

        ack_workers.main(args)
        return
    levels = [int(v) for v in args.levels.split(",")]
    backends = [b for b in args.backends.split(",") if b]
    mix = args.mix.split(",")
    users = [common.user_id(n) for n in range(args.reps)]
    now = datetime.now(UTC)

    results: dict[str, Any] = {
        "requests": args.requests,
        "levels": levels,
        "mix": mix,
        "reps": args.reps,
        "prospects_per_rep": args.prospects,
        "slack_delay_s": args.slack_delay,
        "rate_rps": args.rate or None,
        "listener_threads": args.listener_threads,
        "runs": {},
    }
    rows = []
    # Validation off: the fake shares this process with the load generator.
    with (
        FakeSlack(validate=False) as fake,
        tempfile.TemporaryDirectory() as tmp,
        ExitStack() as stack,
    ):
        for user in users:
            fake.add_user(user, tz=common.ZONES[int(user[1:]) % len(common.ZONES)])
        targets: list[tuple[Target, Plan]] = []
        for backend in backends:
            url = stack.enter_context(common.database(backend, Path(tmp)))
            engine = make_engine(url)
            common.seed(
                engine, reps=args.reps, prospects_per_rep=args.prospects, today=now.date(), now=now
            )
            engine.dispose()
            plan = load_plan(url, users, now.date())
            target = start_target(
                f"Revive/{backend}", "real", fake.api_url, url, args.listener_threads
            )
            targets.append((target, plan))
        bare_plan = (
            targets[0][1]
            if targets
            else Plan(users, {u: [(i, "t") for i in range(args.prospects)] for u in users})
        )
        targets.insert(
            0,
            (
                start_target("bare Bolt", "bare", fake.api_url, "", args.listener_threads),
                Plan(users, bare_plan.prospects),
            ),
        )
        for method in SLACK_METHODS:
            if args.slack_delay:
                fake.delay(method, args.slack_delay)
        try:
            for target, plan in targets:  # first contact: users.info per rep, imports, pools
                run_load(target.port, prepare(fake, mix, plan, max(args.warmup, len(users))), 4)
            for level in levels:
                for target, plan in targets:
                    requests = prepare(fake, mix, plan, args.requests)
                    started = time.perf_counter()
                    samples = run_load(target.port, requests, level, args.rate)
                    wall = time.perf_counter() - started
                    stats = summary(samples)
                    stats["throughput_rps"] = len(samples) / wall
                    stats["by_kind_p99_ms"] = {
                        kind: common.percentile(
                            [s.seconds * 1000 for s in samples if s.kind == kind], 99
                        )
                        for kind in mix
                    }
                    results["runs"].setdefault(str(level), {})[target.name] = stats
                base = results["runs"][str(level)]["bare Bolt"]
                for target, _ in targets:
                    stats = results["runs"][str(level)][target.name]
                    ratio = {q: stats[f"{q}_ms"] / base[f"{q}_ms"] for q in ("p50", "p95", "p99")}
                    stats["ratio_to_bare"] = ratio
                    rows.append(
                        [
                            level,
                            target.name,
                            stats["p50_ms"],
                            stats["p95_ms"],
                            stats["p99_ms"],
                            ratio["p50"],
                            ratio["p99"],
                            stats["throughput_rps"],
                            stats["errors"],
                        ]
                    )
            time.sleep(1 + 20 * args.slack_delay)  # let the last after-ack calls land
        finally:
            for target, _ in targets:
                target.process.terminate()
                target.process.join(10)
        told = [c.params.get("text", "") for c in fake.calls_to("chat.postMessage")]
        told += [r.body.get("text", "") for r in fake.responses]
        results["errors_told_to_users"] = sum(1 for t in told if "went wrong" in t)
        results["stale_notices"] = sum(1 for t in told if "changed since" in t or "Already" in t)
        results["fake_slack_validation_errors"] = fake.validation_errors[:10]
        results["slack_calls"] = {m: len(fake.calls_to(m)) for m in SLACK_METHODS}
    common.print_table(
        f"ack latency, {args.requests} signed requests per cell, mix {'/'.join(mix)}, "
        f"Slack answering in {args.slack_delay * 1000:.0f} ms, "
        f"{f'open loop at {args.rate:g} req/s' if args.rate else 'closed loop'}, "
        f"{args.listener_threads} Bolt listener threads "
        f"(ms; × = this ÷ bare Bolt at the same level)",
        ["conc", "target", "p50", "p95", "p99", "p50 ×", "p99 ×", "req/s", "errors"],
        rows,
    )
    print(
        f"after the acks: {results['errors_told_to_users']} 'something went wrong' "
        f"messages, {len(fake.validation_errors)} Block Kit errors, Slack calls "
        f"{results['slack_calls']}"
    )
    for name, stats in results["runs"].get("10", {}).items():
        if name != "bare Bolt":
            met = stats["ratio_to_bare"]["p99"] <= TARGET_RATIO
            print(
                f"target p99 ≤ {TARGET_RATIO}× bare at concurrency 10, {name}: "
                f"{stats['ratio_to_bare']['p99']:.2f}× {'met' if met else 'MISSED'}"
            )
    suffix = f"_slack{int(args.slack_delay * 1000)}ms" if args.slack_delay else ""
    suffix += f"_rate{args.rate:g}_c{'-'.join(map(str, levels))}" if args.rate else ""
    if args.listener_threads != DEFAULT_LISTENER_THREADS:
        suffix += f"_threads{args.listener_threads}"
    # A quick or partial run never overwrites the full one's results.
    if args.requests != 2000 or args.backends != "sqlite,postgres" or args.mix != DEFAULT_MIX:
        suffix += f"_{'-'.join(backends) or 'bare'}_{args.requests}req"
    if not args.rate and args.levels != "1,10,50":
        suffix += f"_c{'-'.join(map(str, levels))}"
    common.write_results(f"ack_latency{suffix}", results)


if __name__ == "__main__":
    main()
