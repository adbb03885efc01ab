"""Where an acknowledged request spends its CPU: the real app, one thread, under cProfile.

Bolt normally runs listeners in its worker threads (which cProfile does not follow); here
the app's listener executor runs each task inline, so a whole request — signature check,
routing, the listener, its database work and rendering — happens in the profiled thread.
No HTTP server: the requests go to App.dispatch, so only the app's own work is measured.

CPU is this thread's (`time.thread_time`): the fake Slack answering `views.open` in another
thread of this process is not counted as the app's. Each kind is timed twice: once without
the profiler (the numbers that matter) and once under cProfile (the breakdown, slower).

    python bench/profile_ack.py [--per-kind 300] [--top 25] [--sort cumulative|tottime]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ack_latency
import common
from slack_bolt.request import BoltRequest

from store.db import make_engine
from tests.fakeslack import FakeSlack
from tests.slack_driver import sign


class InlineExecutor(Executor):
    """Runs each submitted task at once, in the caller's thread."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed back through the future, as an executor does
            future.set_exception(error)
        return future


def bolt_request(prepared: ack_latency.Prepared) -> BoltRequest:
    stamp = int(time.time())
    return BoltRequest(
        body=prepared.body.decode(),
        headers={
            "content-type": prepared.content_type,
            "x-slack-request-timestamp": str(stamp),
            "x-slack-signature": sign(ack_latency.SECRET, stamp, prepared.body),
        },
    )


def timed(app: Any, requests: list[ack_latency.Prepared], kind: str) -> float:
    """This thread's CPU per request, in ms, dispatching `requests` one after the other."""
    cpu = time.thread_time()
    for request in requests:
        response = app.dispatch(bolt_request(request))
        if response.status != 200 or "went wrong" in response.body:
            raise SystemExit(f"{kind}: {response.status} {response.body}")
    return 1000 * (time.thread_time() - cpu) / len(requests)


def profiled(
    app: Any, requests: list[ack_latency.Prepared], kind: str, args: Any
) -> tuple[float, float, str]:
    """CPU ms and Python function calls per request under cProfile, and the profile's text.
    The calls do not depend on how busy the machine is: a steadier measure of work done."""
    profile = cProfile.Profile()
    profile.enable()
    ms = timed(app, requests, kind)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    calls = stats.total_calls / len(requests)  # type: ignore[attr-defined]
    stats.sort_stats(args.sort).print_stats(args.top)
    if args.dump:  # for pstats' print_callers and friends
        profile.dump_stats(Path(args.dump) / f"{kind}.prof")
    return ms, calls, out.getvalue()


def measure(
    fake: FakeSlack, apps: dict[str, Any], plans: dict[str, Any], kinds: list[str], args: Any
) -> tuple[list[list[Any]], dict[str, Any]]:
    rows, found = [], {}
    for kind in kinds:
        plain, under, calls = {}, {}, {}
        for name, app in apps.items():
            requests = ack_latency.prepare(fake, [kind], plans[name], args.per_kind)
            plain[name] = timed(app, requests, kind)
            requests = ack_latency.prepare(fake, [kind], plans[name], args.per_kind)
            under[name], calls[name], text = profiled(app, requests, kind, args)
            if name == "Revive":
                found[kind] = {"cpu_ms": plain, "cpu_ms_profiled": under, "calls": calls,
                               "profile": text}  # fmt: skip
        rows.append(
            [kind, plain["bare Bolt"], plain["Revive"], plain["Revive"] / plain["bare Bolt"],
             calls["bare Bolt"], calls["Revive"]]
        )  # fmt: skip
    return rows, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", choices=["cumulative", "tottime"], default="cumulative")
    parser.add_argument("--kinds", default=f"{ack_latency.DEFAULT_MIX},help")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--dump", help="a folder to write each kind's Revive profile to")
    parser.add_argument("--reps", type=int, default=60)
    parser.add_argument("--prospects", type=int, default=80)
    args = parser.parse_args()
    users = [common.user_id(n) for n in range(args.reps)]
    now = datetime.now(UTC)
    kinds = args.kinds.split(",")
    # Validation off: checking Block Kit is the fake's work, not the app's.
    with FakeSlack(validate=False) as fake, tempfile.TemporaryDirectory() as tmp:
        for user in users:
            fake.add_user(user, tz=common.ZONES[int(user[1:]) % len(common.ZONES)])
        with common.database(args.backend, Path(tmp)) as url:
            engine = make_engine(url)
            common.seed(
                engine, reps=args.reps, prospects_per_rep=args.prospects, today=now.date(), now=now
            )
            engine.dispose()
            plans = {name: ack_latency.load_plan(url, users, now.date()) for name in NAMES}
            apps = {
                "bare Bolt": ack_latency.bare_app(fake.api_url, 1),
                "Revive": ack_latency.real_app(fake.api_url, url, 1),
            }
            for app in apps.values():
                app.listener_runner.listener_executor = InlineExecutor()
                app.listener_runner.lazy_listener_runner.executor = InlineExecutor()
            for name, app in apps.items():  # first contact per rep (users.info), imports
                for request in ack_latency.prepare(fake, kinds, plans[name], 2 * len(users)):
                    app.dispatch(bolt_request(request))
            rows, found = measure(fake, apps, plans, kinds, args)
    common.print_table(
        f"CPU per request (this thread), {args.per_kind} requests per kind on {args.backend} "
        "(ms), and Python function calls per request (counted by cProfile)",
        ["kind", "bare Bolt", "Revive", "×", "calls bare", "calls Revive"],
        rows,
    )
    for kind, data in found.items():
        print(f"\n=== {kind}: top {args.top} by {args.sort} time ===")
        print("\n".join(data["profile"].splitlines()[: args.top + 12]))
    results = {"backend": args.backend, "per_kind": args.per_kind, "kinds": found}
    common.write_results(f"profile_ack_{args.backend}", results)


NAMES = ("bare Bolt", "Revive")


if __name__ == "__main__":
    main()
