"""Thin listeners: handlers read the payload, call one use case, send what it returns.

The rules are checked on the source (AST), so a listener that starts querying the store
or calling the coach fails here; the use-case layer owns the unit of work, and Slack is
never called while it is open.
"""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import Mock

import pytest
from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy import select

from bot.services import SERVICES_KEY, Services
from bot.usecases.followups import Followups
from bot.usecases.request import Caller, rep_request
from handlers._context import caller, send
from store.db import unit_of_work
from store.models import Rep
from tests.conftest import Clock
from tests.fakeslack import FakeSlack
from tests.sweeping import make_services

ROOT = Path(__file__).resolve().parent.parent
HANDLERS = sorted((ROOT / "handlers").glob("*.py"))
# Other engineers' modules follow their own briefs; the size rule covers this layer's.
SIZED = [p for p in (*HANDLERS, *sorted((ROOT / "bot/usecases").glob("*.py")))
         if p.name != "lifecycle.py"]
FORBIDDEN_MODULES = ("store", "sqlalchemy", "bot.coach")
FUNCTION_LINES_MAX = 60
MODULE_LINES_MAX = 400
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


def violations(source: str) -> list[str]:
    """What makes a listener module more than a listener: store, SQL, coach, a query."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            names = []
        bad = [n for n in names if any(n == m or n.startswith(f"{m}.") for m in FORBIDDEN_MODULES)]
        if bad:
            found.append(f"line {node.lineno}: imports {bad[0]}")
        if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "coach":
            found.append(f"line {node.lineno}: coach.{node.attr}")
        # A query needs a session: `session.execute(…)`, `req.session.scalars(…)`.
        if isinstance(node, ast.Attribute) and (
            node.attr == "session" or getattr(node.value, "id", None) == "session"
        ):
            found.append(f"line {node.lineno}: .{node.attr}")
        if isinstance(node, ast.Name) and node.id == "unit_of_work":
            found.append(f"line {node.lineno}: {node.id}")
    return found


def test_the_checker_sees_each_kind_of_violation() -> None:
    source = (
        "import sqlalchemy\n"
        "from store.repo import owned_prospect\n"
        "from bot import coach\n"
        "x = coach.TACTICS\n"
        "y = req.session.scalars(q)\n"
        "with unit_of_work(factory) as session:\n"
        "    session.execute(q)\n"
    )
    assert violations(source) == [
        "line 1: imports sqlalchemy",
        "line 2: imports store.repo",
        "line 3: imports bot.coach",
        "line 4: coach.TACTICS",
        "line 5: .session",
        "line 6: unit_of_work",
        "line 7: .execute",
    ]
    assert violations("from bot.usecases import home\nhome.open_home(who)\n") == []


def test_listeners_neither_query_nor_coach() -> None:
    assert HANDLERS, "no handler modules found"
    found = {
        path.name: problems
        for path in HANDLERS
        if (problems := violations(path.read_text()))
    }
    assert found == {}


def test_functions_and_modules_stay_small() -> None:
    too_long: list[str] = []
    for path in SIZED:
        source = path.read_text()
        if len(source.splitlines()) > MODULE_LINES_MAX:
            too_long.append(f"{path.name}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > FUNCTION_LINES_MAX:
                    too_long.append(f"{path.name}:{node.lineno} {node.name}: {lines} lines")
    assert too_long == []


# --- the unit of work, opened by the use-case layer ----------------------------------------


def services_for(url: str, fake: FakeSlack) -> Services:
    return make_services(url, fake, Clock(NOW))


def test_first_sight_asks_slack_with_no_connection_held(
    sqlite_database_url: str, fake_slack: FakeSlack
) -> None:
    services = services_for(sqlite_database_url, fake_slack)
    engine = services.sessions.kw["bind"]
    held_during_call: list[int] = []

    def users_info(**kwargs: Any) -> dict[str, Any]:
        held_during_call.append(engine.pool.checkedout())
        return {"ok": True, "user": {"id": kwargs["user"], "tz": "America/New_York"}}

    client = Mock(spec=WebClient)
    client.users_info.side_effect = users_info
    who = Caller(team_id="T1", user_id="U1", services=services, client=client)
    with rep_request(who) as req:
        assert req.rep.zone.key == "America/New_York"
        assert engine.pool.checkedout() == 1
    assert held_during_call == [0]
    with rep_request(who) as req:  # known now: Slack is not asked again
        assert req.rep.rep.tz == "America/New_York"
    assert client.users_info.call_count == 1
    with unit_of_work(services.sessions) as session:
        [rep] = session.scalars(select(Rep))
        assert rep.tz == "America/New_York" and rep.tz_checked_at is not None


def test_a_failed_request_writes_nothing(sqlite_database_url: str, fake_slack: FakeSlack) -> None:
    services = services_for(sqlite_database_url, fake_slack)
    client = Mock(spec=WebClient)
    client.users_info.return_value = {"ok": True, "user": {"tz": "Europe/Paris"}}
    who = Caller(team_id="T1", user_id="U1", services=services, client=client)
    with pytest.raises(LookupError), rep_request(who):
        raise LookupError("the use case failed")
    with unit_of_work(services.sessions) as session:
        assert list(session.scalars(select(Rep))) == []


def test_caller_takes_only_ids_from_the_bolt_context(
    sqlite_database_url: str, fake_slack: FakeSlack
) -> None:
    services = services_for(sqlite_database_url, fake_slack)
    context = BoltContext({"team_id": "T1", "user_id": "U7", SERVICES_KEY: services})
    client = Mock(spec=WebClient)
    who = caller(context, client)
    assert (who.team_id, who.user_id, who.services, who.client) == ("T1", "U7", services, client)


def test_followups_are_sent_in_order_after_the_work() -> None:
    client = Mock(spec=WebClient)
    context = BoltContext({"user_id": "U1"})  # no response_url: the notice is a DM
    followups = Followups(
        view={"type": "modal"},
        update={"channel": "D1", "ts": "1.0", "text": "t", "blocks": []},
        messages=[{"channel": "U1", "text": "card"}],
        notice="Already logged.",
    )
    send(context, client, followups, "trigger-1")
    assert [c[0] for c in client.method_calls] == [
        "views_open",
        "chat_update",
        "chat_postMessage",
        "chat_postMessage",
    ]
    opened = client.views_open.call_args.kwargs
    assert opened == {"trigger_id": "trigger-1", "view": {"type": "modal"}}
    assert client.chat_postMessage.call_args_list[-1].kwargs == {
        "channel": "U1",
        "text": "Already logged.",
    }
