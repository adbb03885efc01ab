"""Where an acknowledged request spends its CPU: the real app, one thread, under cProfile.

Bolt normally runs listeners in its worker threads (which cProfile does not follow); here
the app's listener executor runs each task inline, so a whole request — signature check,
routing, the listener, its database work and rendering — happens in the profiled thread.
No HTTP server: the requests go to App.dispatch, so only the app's own work is measured.

    python bench/profile_ack.py [--per-kind 300] [--top 25]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--reps", type=int, default=60)
    parser.add_argument("--prospects", type=int, default=80)
    args = parser.parse_args()
    users = [common.user_id(n) for n in range(args.reps)]
    now = datetime.now(UTC)
    results: dict[str, Any] = {"backend": args.backend, "per_kind": args.per_kind, "kinds": {}}
    rows = []
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        for user in users:
            fake.add_user(user, tz=common.ZONES[int(user[1:]) % len(common.ZONES)])
        with common.database(args.backend, Path(tmp)) as url:
            engine = make_engine(url)
            common.seed(
                engine, reps=args.reps, prospects_per_rep=args.prospects, today=now.date(), now=now
            )
            engine.dispose()
            plans = {
                "bare Bolt": ack_latency.load_plan(url, users, now.date()),
                "Revive": ack_latency.load_plan(url, users, now.date()),
            }
            apps = {
                "bare Bolt": ack_latency.bare_app(fake.api_url, 1),
                "Revive": ack_latency.real_app(fake.api_url, url, 1),
            }
            for app in apps.values():
                app.listener_runner.listener_executor = InlineExecutor()
                app.listener_runner.lazy_listener_runner.executor = InlineExecutor()
            kinds = [*ack_latency.DEFAULT_MIX.split(","), "help"]
            for name, app in apps.items():  # first contact per rep (users.info), imports
                for request in ack_latency.prepare(fake, kinds, plans[name], 2 * len(users)):
                    app.dispatch(bolt_request(request))
            for kind in kinds:
                per_app = {}
                for name, app in apps.items():
                    requests = ack_latency.prepare(fake, [kind], plans[name], args.per_kind)
                    profile = cProfile.Profile()
                    cpu = time.process_time()
                    profile.enable()
                    for request in requests:
                        response = app.dispatch(bolt_request(request))
                        if response.status != 200 or "went wrong" in response.body:
                            raise SystemExit(f"{kind}: {response.status} {response.body}")
                    profile.disable()
                    per_app[name] = 1000 * (time.process_time() - cpu) / len(requests)
                    if name == "Revive":
                        out = io.StringIO()
                        stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
                        stats.print_stats(args.top)
                        results["kinds"][kind] = {"cpu_ms": per_app, "profile": out.getvalue()}
                rows.append(
                    [
                        kind,
                        per_app["bare Bolt"],
                        per_app["Revive"],
                        per_app["Revive"] / per_app["bare Bolt"],
                    ]
                )
    common.print_table(
        f"CPU per request, one thread, {args.per_kind} requests per kind on {args.backend} "
        "(ms; includes cProfile's overhead, equally for both)",
        ["kind", "bare Bolt", "Revive", "×"],
        rows,
    )
    for kind, data in results["kinds"].items():
        print(f"\n=== {kind}: top {args.top} by cumulative time ===")
        print("\n".join(data["profile"].splitlines()[: args.top + 12]))
    common.write_results(f"profile_ack_{args.backend}", results)


if __name__ == "__main__":
    main()
