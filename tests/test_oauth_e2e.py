"""Two workspaces install Revive through the OAuth flow; each gets its own digest with its
own token, and neither can see or touch the other's prospects."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select, text, update

from bot import ids
from bot.reminders.sweep import sweep
from store.models import Prospect, Touch, Workspace
from tests.conftest import Clock
from tests.digests import as_clicked
from tests.fakeslack import FakeSlack, blocks_text
from tests.oauth_app import OAuthLive, serve_oauth
from tests.sweeping import FAST
from tests.test_e2e_outcomes import element

TODAY = date(2026, 11, 24)  # the clock's Tuesday morning, in New York


@pytest.fixture
def oauth(database_url: str, clock: Clock) -> Iterator[OAuthLive]:
    with FakeSlack(tokens={}) as fake:  # nothing installed anywhere yet
        fake.add_user("UA", team_id="TA", tz="America/New_York", real_name="Ann A")
        fake.add_user("UB", team_id="TB", tz="America/New_York", real_name="Bob B")
        with serve_oauth(database_url, fake, clock) as app:
            yield app


def token_of(app: OAuthLive, team_id: str) -> str:
    """The workspace's newest token (an older one lives on until it expires)."""
    return [t for t, team in app.live.fake.tokens.items() if team == team_id][-1]


def add_due_prospect(app: OAuthLive, team_id: str, user_id: str, name: str) -> int:
    """The rep adds a prospect with /revive add; it is made due this morning."""
    response = app.driver(team_id).command(user_id, f"add {name}, {name} Corp, went quiet")
    assert response.status == 200
    app.live.wait_until_idle()
    with app.live.session() as session, session.begin():
        prospect = session.scalars(select(Prospect).where(Prospect.name == name)).one()
        session.execute(update(Prospect).where(Prospect.id == prospect.id).values(
            next_touch_on=TODAY))
        return prospect.id


def test_two_workspaces_install_and_each_gets_its_digest_with_its_own_token(
    oauth: OAuthLive,
) -> None:
    fake = oauth.live.fake
    for team_id in ("TA", "TB"):
        page = oauth.install(team_id)
        assert page.status == 200 and "Thank you!" in page.text
    token_a, token_b = token_of(oauth, "TA"), token_of(oauth, "TB")
    assert token_a != token_b
    assert len(fake.calls_to("oauth.v2.access")) == 2

    pid_a = add_due_prospect(oauth, "TA", "UA", "Alma")
    pid_b = add_due_prospect(oauth, "TB", "UB", "Boris")
    # Each rep was looked up (users.info) with their own workspace's token.
    assert {c.token for c in fake.calls_to("users.info") if c.params["user"] == "UA"} == {token_a}
    assert {c.token for c in fake.calls_to("users.info") if c.params["user"] == "UB"} == {token_b}

    fake.reset()
    report = sweep(oauth.services, oauth.live.clock(), options=FAST)
    assert report.all_delivered and report.problems == []
    posts = {c.params["channel"]: c.token for c in fake.calls_to("chat.postMessage")}
    assert posts == {"UA": token_a, "UB": token_b}
    [digest_a] = fake.messages("UA")
    [digest_b] = fake.messages("UB")
    assert "Alma" in blocks_text(digest_a.blocks) and "Boris" not in blocks_text(digest_a.blocks)
    assert "Boris" in blocks_text(digest_b.blocks) and "Alma" not in blocks_text(digest_b.blocks)

    # Workspace B's rep clicks a button naming workspace A's prospect: refused, nothing done.
    fake.reset()
    foreign = element(digest_a, pid_a, ids.NO_REPLY)
    oauth.driver("TB").block_action(
        "UB", ids.NO_REPLY, foreign["value"], block_id=ids.prospect_block_id(pid_a, "actions"),
        message=as_clicked(digest_a), channel_id="DUB")
    [answer] = fake.wait_for_response(1)
    assert "can't find that prospect" in answer.body["text"]
    oauth.live.wait_until_idle()
    assert {c.token for c in fake.calls if c.token} <= {token_b}
    with oauth.live.session() as session:
        assert session.scalars(select(Touch).where(Touch.prospect_id == pid_a)).all() == []
        teams = dict(session.execute(select(Prospect.id, Workspace.team_id).join(
            Workspace, Prospect.workspace_id == Workspace.id)).all())
    assert teams == {pid_a: "TA", pid_b: "TB"}


def test_tokens_are_stored_encrypted(oauth: OAuthLive) -> None:
    oauth.install("TA")
    token = token_of(oauth, "TA")
    with oauth.live.sessions() as session:
        rows = [
            [str(v) for v in row]
            for table in ("slack_installations", "slack_bots")
            for row in session.execute(text(f"SELECT * FROM {table}"))
        ]
    assert len(rows) == 2
    dumped = "\n".join(" ".join(row) for row in rows)
    assert "TA" in dumped  # the rows are there, readable where nothing is secret
    assert token not in dumped and "xoxb-" not in dumped
    # … and the app reads it back: the sweep's lookup and the request's authorize.
    assert oauth.services.bot_token("TA") == token
    assert oauth.services.bot_token("TB") is None
