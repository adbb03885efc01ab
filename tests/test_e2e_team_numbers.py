"""End to end: `/revive team` and the Home's Team numbers over signed HTTP, with privacy."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block
from sqlalchemy import func, select

from bot import coach
from bot.blocks.team_numbers import FEW_MARK
from bot.domain import DecisionKind, Outcome, Situation
from store.db import unit_of_work
from store.models import Decision, Prospect, Rep, Team, TeamManager, Touch, Workspace
from store.repo import ensure_rep, ensure_workspace
from tests.conftest import LiveApp
from tests.fakeslack import blocks_text
from tests.slack_driver import Response

HOMEWORK, REAL_REASON = coach.TACTICS["homework"].title, coach.TACTICS["real_reason"].title
QUIET = coach.SITUATIONS[Situation.WENT_QUIET].label


def said(response: Response) -> str:
    """The ack's ephemeral, with valid blocks, as text."""
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    for block in body.get("blocks", []):
        Block.parse(block).to_dict()  # type: ignore[union-attr]
    return body["text"] + "\n" + blocks_text(body.get("blocks", []))


class Seeder:
    """Teams, reps and touches written straight to the store (the teams UI is elsewhere)."""

    def __init__(self, live: LiveApp, session: Any) -> None:
        self.session, now = session, live.clock()
        self.now = now
        self.workspace: Workspace = ensure_workspace(session, team_id="T1", now=now)
        self.keys = 0

    def rep(self, user_id: str, team: Team | None = None, manages: Team | None = None) -> Rep:
        rep = ensure_rep(self.session, workspace=self.workspace, user_id=user_id, now=self.now)
        rep.tz, rep.tz_checked_at = "America/New_York", self.now  # known: no users.info
        rep.display_name, rep.team_id = f"Rep {user_id}", team.id if team else None
        self.session.flush()
        if manages is not None:
            self.session.add(TeamManager(team_id=manages.id, rep_id=rep.id))
        return rep

    def team(self, name: str) -> Team:
        team = Team(workspace_id=self.workspace.id, name=name, created_at=self.now,
                    updated_at=self.now)  # fmt: skip
        self.session.add(team)
        self.session.flush()
        return team

    def prospect(self, rep: Rep, due: date | None = None) -> Prospect:
        prospect = Prospect(
            workspace_id=self.workspace.id, rep_id=rep.id, name="Dana", company="Acme",
            situation=Situation.WENT_QUIET.value, next_touch_on=due,
            created_on=date(2026, 9, 1), created_at=self.now, updated_at=self.now,
        )  # fmt: skip
        self.session.add(prospect)
        self.session.flush()
        return prospect

    def touch(
        self, prospect: Prospect, outcome: Outcome, on: date, tactic: str = "homework",
        learned: str | None = None,
    ) -> None:  # fmt: skip
        self.keys += 1
        self.session.add(
            Touch(
                workspace_id=self.workspace.id, rep_id=prospect.rep_id, prospect_id=prospect.id,
                tactic_id=tactic, outcome=outcome.value, situation=prospect.situation,
                learned=learned, touched_on=on, idempotency_key=f"e2e-{self.keys}",
                created_at=self.now,
            )
        )  # fmt: skip

    def walk_away(self, prospect: Prospect, on: date, reason: str) -> None:
        self.keys += 1
        self.session.add(
            Decision(
                workspace_id=self.workspace.id, rep_id=prospect.rep_id, prospect_id=prospect.id,
                kind=DecisionKind.WALK_AWAY.value, reason=reason, decided_on=on,
                idempotency_key=f"e2e-d{self.keys}", created_at=self.now,
            )
        )  # fmt: skip


def seed(live: LiveApp) -> None:
    """East: U1 manages U2 and U3. West: U5 manages U4. Touches in November and October."""
    with unit_of_work(live.sessions) as session:
        s = Seeder(live, session)
        east, west = s.team("East"), s.team("West")
        s.rep("U1", manages=east)
        dana, sam = s.rep("U2", team=east), s.rep("U3", team=east)
        s.rep("U5", manages=west)
        wes = s.rep("U4", team=west)
        a, c = s.prospect(dana, due=date(2026, 11, 20)), s.prospect(dana, due=date(2026, 12, 1))
        b, d = s.prospect(sam), s.prospect(sam)
        s.touch(a, Outcome.LEARNED, date(2026, 11, 2), learned="budget moved to Q2")
        s.touch(a, Outcome.NO_REPLY, date(2026, 11, 5))
        s.touch(a, Outcome.RE_ENGAGED, date(2026, 11, 10))
        s.touch(c, Outcome.NOTHING_NEW, date(2026, 11, 6))
        s.touch(c, Outcome.LEARNED, date(2026, 10, 20), learned="new CFO")  # October
        s.touch(b, Outcome.NOT_NOW, date(2026, 11, 3), learned="renewal in March")
        s.touch(b, Outcome.WON, date(2026, 11, 12))
        s.touch(d, Outcome.NO_REPLY, date(2026, 11, 4), tactic="real_reason")
        s.walk_away(d, date(2026, 11, 13), "unreachable")
        for _ in range(5):
            s.touch(s.prospect(wes), Outcome.LEARNED, date(2026, 11, 9), learned="west")


def slack_calls(live: LiveApp) -> list[str]:
    """What the app asked Slack, but Bolt's own auth.test on the first request."""
    return [call.method for call in live.fake.calls if call.method != "auth.test"]


def stored(live: LiveApp) -> tuple[int, int, int]:
    with live.session() as session:
        count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
        return count(Touch), count(Decision), count(Prospect)


def test_a_manager_sees_each_rep_the_totals_and_the_tactic_table(live_any_db: LiveApp) -> None:
    live = live_any_db
    seed(live)

    text = said(live.driver.command("U1", "team"))

    for expected in (
        "Team numbers · East",
        "Nov 1 – today",
        "*Contacts*\n7",
        "*Learned something new*\n29% (2 of 7)",
        "*Revived*\n2",
        "*Walked away*\n1",
        "*Overdue*\n1",
        "*In rotation*\n4",
        "<@U2> — 4 contacts · 25% learned something new · 1 revived · 0 walked away · "
        "1 overdue · 2 in rotation",
        "<@U3> — 3 contacts · 33% learned something new · 1 revived · 1 walked away "
        "(unreachable 1) · 0 overdue · 2 in rotation",
        f"*{QUIET}*",
        f"• {HOMEWORK} — 5 of 6 revived (83%)",
        f"• {REAL_REASON} — 0 of 1 revived (0%) _{FEW_MARK}_",
    ):
        assert expected in text, expected
    assert "<@U4>" not in text and "<@U5>" not in text  # West is not East


def test_a_rep_who_manages_nothing_is_refused_and_nothing_else_happens(live: LiveApp) -> None:
    seed(live)
    before = stored(live)

    for text in ("team", "team East", "team West last week", "team nonsense words"):
        reply = said(live.driver.command("U2", text))
        assert reply.startswith("Only a team's managers (or a workspace admin) can do that.")
        assert "Contacts" not in reply and "<@" not in reply and "West" not in reply
    live.wait_until_idle()

    assert slack_calls(live) == []  # no message, no Home, no lookup: only the refusal
    assert stored(live) == before


def test_a_manager_of_one_team_asking_for_another_is_refused(live: LiveApp) -> None:
    seed(live)
    before = stored(live)

    refused = said(live.driver.command("U5", "team East"))
    own = said(live.driver.command("U5", "team"))
    live.wait_until_idle()

    assert refused.startswith("You can see these teams: West.")
    assert "East" not in refused and "<@U2>" not in refused
    assert "Team numbers · West" in own and "<@U4> — 5 contacts · 100%" in own
    assert "<@U2>" not in own
    assert slack_calls(live) == []
    assert stored(live) == before


def test_the_period_words_choose_the_days(live: LiveApp) -> None:
    seed(live)

    october = said(live.driver.command("U1", "team east last month"))
    early = said(live.driver.command("U1", "team 2026-11-01 to 2026-11-04"))
    nonsense = said(live.driver.command("U1", "team East last fortnight"))
    backwards = said(live.driver.command("U1", "team Nov 10 to Nov 1"))

    assert "Oct 1 – Oct 31" in october and "*Contacts*\n1" in october
    assert "<@U2> — 1 contacts · 100% learned something new" in october
    assert "Nov 1 – Nov 4" in early and "*Contacts*\n3" in early  # Nov 2, 3 and 4
    assert nonsense.startswith("I can't read “last fortnight” as a period.")
    assert "`last 30 days`" in nonsense
    assert "ends before it starts" in backwards


def open_home(live: LiveApp, user_id: str) -> str:
    live.driver.event({"type": "app_home_opened", "user": user_id, "tab": "home"})
    live.fake.wait_for("views.publish", 1, predicate=lambda c: c.params.get("user_id") == user_id)
    return blocks_text(live.fake.home_views[user_id]["blocks"])


def test_the_home_shows_team_numbers_to_a_manager_only(live: LiveApp) -> None:
    seed(live)

    manager, rep = open_home(live, "U1"), open_home(live, "U2")

    assert "*Team numbers* · Nov 1 – today" in manager
    assert "*East* · 2 reps" in manager and "*Contacts*\n7" in manager
    assert f"Best at reviving: *{HOMEWORK}* for {QUIET.lower()} 5 of 6 revived" in manager
    assert "Team numbers" not in rep and "*East*" not in rep
