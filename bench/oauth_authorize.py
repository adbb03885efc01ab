"""What OAuth mode adds to every request: Bolt's authorize reading the workspace's token from
the installation store (bot/install), compared with the ways it could read it.

    python bench/oauth_authorize.py [--backend sqlite|postgres] [--workspaces 200] [--calls 2000]

Rows: Revive's authorize (bot-only, the bot remembered for 5 s: no query on most requests;
auth.test cached by token); the same reading the row every time (one `slack_bots` query and
a Fernet decrypt); Bolt's default (bot_only=False: the latest installation, then the
caller's own, two queries); and slack_sdk's store alone, with and without our decryption,
to show what the encryption costs. Wall and this thread's CPU per call, one thread, no HTTP.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import common
from slack_bolt import BoltContext
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_sdk.oauth.installation_store import Installation

from bot.install.crypto import TokenCipher, new_key
from bot.install.store import EncryptedInstallationStore, RecentBots
from bot.slack_client import make_client
from store.db import make_engine
from tests.fakeslack import FakeSlack

CLIENT_ID = "1111.2222"


def timed(call: Callable[[], Any], count: int) -> tuple[list[float], float]:
    """Each call's wall time (ms), and the mean CPU of this thread per call (ms)."""
    walls: list[float] = []
    cpu = time.thread_time()
    for _ in range(count):
        started = time.perf_counter()
        call()
        walls.append((time.perf_counter() - started) * 1000)
    return walls, (time.thread_time() - cpu) * 1000 / count


def installations(store: EncryptedInstallationStore, fake: FakeSlack, count: int) -> None:
    for n in range(count):
        team = f"T{n:05d}"
        token = f"xoxb-{team}-{'s' * 40}"
        fake.tokens[token] = team
        store.save(Installation(app_id="AREVIVE", team_id=team, team_name=team, bot_token=token,
                                bot_id="BREVIVE", bot_user_id="UBOT", bot_scopes=["commands"],
                                user_id="UADMIN", installed_at=time.time()))


def authorize_call(authorize: InstallationStoreAuthorize, fake: FakeSlack,
                   team: str) -> Callable[[], Any]:
    context = BoltContext()
    context["client"] = make_client(None, fake.api_url)

    def call() -> Any:
        context["is_enterprise_install"] = False
        result = authorize(context=context, enterprise_id=None, team_id=team, user_id="U1")
        assert result is not None
        return result

    return call


def measure(url: str, args: argparse.Namespace) -> list[list[Any]]:
    engine = make_engine(url)
    with FakeSlack(tokens={}, validate=False) as fake:
        cipher = TokenCipher([new_key()])
        remembering = EncryptedInstallationStore.over(engine, CLIENT_ID, cipher)
        store = EncryptedInstallationStore.over(engine, CLIENT_ID, cipher)
        store.recent = RecentBots(seconds=0.0)  # reads the row every time
        installations(store, fake, args.workspaces)
        team = f"T{args.workspaces // 2:05d}"
        cases: dict[str, Callable[[], Any]] = {}
        for label, which, bot_only in (
            ("authorize, bot-only, bot kept 5 s (Revive)", remembering, True),
            ("authorize, bot-only, row read each time", store, True),
            ("authorize, Bolt's default", store, False),
        ):
            authorize = InstallationStoreAuthorize(
                logger=common_logger(), installation_store=which, client_id=CLIENT_ID,
                client_secret="x", bot_only=bot_only, cache_enabled=True)
            cases[label] = authorize_call(authorize, fake, team)
        cases["find_bot, encrypted store"] = lambda: store.find_bot(enterprise_id=None,
                                                                    team_id=team)
        cases["find_bot, slack_sdk alone"] = lambda: store.inner.find_bot(enterprise_id=None,
                                                                          team_id=team)
        rows = []
        for label, call in cases.items():
            call()  # warm: the pool's connection, auth.test into the cache
            walls, cpu = timed(call, args.calls)
            rows.append([label, common.median(walls), common.percentile(walls, 99), cpu])
    engine.dispose()
    return rows


def common_logger() -> Any:
    import logging

    return logging.getLogger("bench.oauth")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workspaces", type=int, default=200)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, common.database(args.backend, Path(tmp)) as url:
        rows = measure(url, args)
    common.print_table(
        f"Token lookup per request, {args.backend}, {args.workspaces} workspaces installed, "
        f"{args.calls} calls",
        ["path", "median ms", "p99 ms", "CPU ms/call"],
        rows,
    )
    common.write_results(f"oauth_authorize_{args.backend}", {
        "workspaces": args.workspaces, "calls": args.calls,
        "rows": [dict(zip(["path", "median_ms", "p99_ms", "cpu_ms"], r, strict=True))
                 for r in rows],
    })


if __name__ == "__main__":
    main()
