"""End to end: a manager's walk-away review on the Home (Reopen, Hand to a fresh voice), over
signed HTTP and the fake Slack: who may decide, what moves, who is told, and what is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from bot import ids
from bot.domain import DecisionKind, Outcome, ProspectStatus, WalkAwayReason
from bot.usecases.outcomes import OutcomeInput, log_outcome
from store.db import unit_of_work
from store.models import Decision, Prospect, Rep, Team, TeamManager, Touch
from tests.conftest import LiveApp
from tests.digests import as_clicked, post_digest, rep_ctx, seed
from tests.fakeslack import blocks_text
from tests.slack_driver import plain_text, static_select

TUESDAY = date(2026, 11, 24)  # the clock's day in New York
WEDNESDAY = date(2026, 11, 25)  # U1's next workday
FRIDAY = date(2026, 11, 27)  # U3 works Monday, Tuesday and Friday only


@dataclass(frozen=True)
class Teams:
    """East: UBOSS manages U1 and U3. West: UWEST manages U4."""

    rep_ids: dict[str, int]


def make_teams(live: LiveApp) -> Teams:
    people = {"UBOSS": "America/New_York", "U3": "Asia/Tokyo", "UWEST": "America/Chicago",
              "U4": "America/Chicago"}
    for user_id, tz in people.items():
        live.fake.add_user(user_id, team_id="T1", tz=tz)
    now = live.clock()
    with unit_of_work(live.sessions) as session:
        reps = {u: rep_ctx(live, session, u).rep for u in ("U1", "U3", "U4", "UBOSS", "UWEST")}
        east = Team(workspace_id=reps["U1"].workspace_id, name="East", created_at=now,
                    updated_at=now)
        west = Team(workspace_id=reps["U1"].workspace_id, name="West", created_at=now,
                    updated_at=now)
        session.add_all([east, west])
        session.flush()
        reps["U1"].team_id = reps["U3"].team_id = east.id
        reps["U4"].team_id = west.id
        reps["U3"].display_name = "Casey New"
        reps["U3"].workdays = "0,1,4"
        session.add_all([TeamManager(team_id=east.id, rep_id=reps["UBOSS"].id),
                         TeamManager(team_id=west.id, rep_id=reps["UWEST"].id)])
        return Teams({u: r.id for u, r in reps.items()})


def walked_away(live: LiveApp, name: str, user_id: str = "U1",
                reason: WalkAwayReason = WalkAwayReason.UNREACHABLE) -> int:
    """A prospect of the rep's with one unanswered try, then walked away."""
    pid = seed(live, name, "Acme Corp", user_id=user_id)
    with unit_of_work(live.sessions) as session:
        ctx = rep_ctx(live, session, user_id)
        prospect = session.get(Prospect, pid)
        assert prospect is not None
        for outcome in (Outcome.NO_REPLY, Outcome.WALKED_AWAY):
            given = OutcomeInput(pid, prospect.version, outcome, "real_reason",
                                 walk_reason=reason if outcome is Outcome.WALKED_AWAY else None)
            log_outcome(session, ctx, given, now=live.clock())
    return pid


def open_home(live: LiveApp, user_id: str) -> dict[str, Any]:
    before = len(live.fake.calls_to("views.publish"))
    live.driver.event({"type": "app_home_opened", "user": user_id, "tab": "home"})
    live.fake.wait_for("views.publish", before + 1)
    return live.fake.home_views[user_id]


def review_buttons(home: dict[str, Any], pid: int) -> dict[str, str]:
    """action_id → value of the review buttons for one prospect (empty: no buttons)."""
    return {
        e["action_id"]: e["value"]
        for b in home["blocks"]
        if b.get("block_id") == f"{ids.REVIEW_BLOCK}:{pid}"
        for e in b["elements"]
    }


def click(live: LiveApp, user_id: str, action_id: str, value: str, pid: int) -> None:
    view = live.fake.home_views.get(user_id) or {"id": f"VH{user_id}", "type": "home"}
    answer = live.driver.block_action(user_id, action_id, value,
                                      block_id=f"{ids.REVIEW_BLOCK}:{pid}", view=view)
    assert answer.status == 200


def dm_saying(live: LiveApp, user_id: str, words: str) -> str:
    found = live.wait_until(
        lambda: [m.text for m in live.fake.messages(user_id) if words in m.text])
    assert isinstance(found, list)
    return str(found[-1])


def prospect(live: LiveApp, pid: int) -> Prospect:
    with live.session() as session:
        found = session.get(Prospect, pid)
        assert found is not None
        session.expunge(found)
        return found


def manager_decisions(live: LiveApp, pid: int) -> list[Decision]:
    kinds = (DecisionKind.REOPEN.value, DecisionKind.HAND_OVER.value)
    with live.session() as session:
        return list(session.scalars(
            select(Decision).where(Decision.prospect_id == pid, Decision.kind.in_(kinds))))


def test_a_manager_sees_their_teams_walk_aways_and_not_another_teams(live: LiveApp) -> None:
    make_teams(live)
    east = walked_away(live, "Nora Quinn")
    west = walked_away(live, "Wes Tern", user_id="U4", reason=WalkAwayReason.NOT_A_FIT)

    home = open_home(live, "UBOSS")
    text = blocks_text(home["blocks"])
    assert "Walk-away review" in text
    assert "*Nora Quinn* (Acme Corp) · <@U1>" in text
    assert "Walked away November 24: unreachable" in text
    assert "Tried: Find the real reason (1 contact)" in text
    assert "Wes Tern" not in text
    assert set(review_buttons(home, east)) == {ids.REVIEW_REOPEN, ids.REVIEW_HAND_OVER}
    assert review_buttons(home, west) == {}

    west_home = blocks_text(open_home(live, "UWEST")["blocks"])
    assert "Wes Tern" in west_home and "not a fit" in west_home
    assert "Nora Quinn" not in west_home
    assert "Walk-away review" not in blocks_text(open_home(live, "U1")["blocks"])


def test_reopen_puts_it_back_in_the_owners_next_digest_once(live_any_db: LiveApp) -> None:
    live = live_any_db
    teams = make_teams(live)
    pid = walked_away(live, "Nora Quinn")
    version = prospect(live, pid).version
    value = review_buttons(open_home(live, "UBOSS"), pid)[ids.REVIEW_REOPEN]

    for _ in range(2):  # a double click reopens once
        click(live, "UBOSS", ids.REVIEW_REOPEN, value, pid)
    notice = dm_saying(live, "UBOSS", "Reopened")
    assert "back in <@U1>'s rotation, due November 25" in notice
    dm_saying(live, "UBOSS", "Already reopened")
    live.wait_until_idle()

    after = prospect(live, pid)
    assert after.status == ProspectStatus.DORMANT.value
    assert after.next_touch_on == WEDNESDAY
    assert (after.unanswered_streak, after.nothing_new_streak, after.open_decision) == (0, 0, None)
    assert after.version == version + 1
    [decision] = manager_decisions(live, pid)
    assert decision.kind == DecisionKind.REOPEN.value
    assert decision.rep_id == teams.rep_ids["U1"]
    assert decision.by_rep_id == teams.rep_ids["UBOSS"]
    assert decision.to_rep_id is None
    # The manager's Home was redrawn without it; the owner's next digest lists it.
    assert review_buttons(live.fake.home_views["UBOSS"], pid) == {}
    digest = post_digest(live, "U1", on=WEDNESDAY)
    assert "Nora Quinn" in blocks_text(digest.blocks)


def test_hand_over_moves_it_with_its_history_to_the_new_reps_digest(live: LiveApp) -> None:
    teams = make_teams(live)
    pid = walked_away(live, "Nora Quinn")
    value = review_buttons(open_home(live, "UBOSS"), pid)[ids.REVIEW_HAND_OVER]

    click(live, "UBOSS", ids.REVIEW_HAND_OVER, value, pid)
    [opened] = live.fake.wait_for("views.open")
    modal = opened.params["view"]
    select_ = next(b for b in modal["blocks"] if b.get("block_id") == ids.IN_NEW_REP)
    options = {o["text"]["text"]: o["value"] for o in select_["element"]["options"]}
    assert options == {"Casey New": str(teams.rep_ids["U3"])}  # the team's others only

    note = "Try the CFO <!channel> & mention the Q2 budget"
    values = {ids.IN_NEW_REP: {ids.IN_NEW_REP: static_select(options["Casey New"])},
              ids.IN_HANDOVER_NOTE: {ids.IN_HANDOVER_NOTE: plain_text(note)}}
    for _ in range(2):  # a double submit hands over once
        answer = live.driver.view_submission("UBOSS", ids.HAND_OVER_MODAL, values,
                                             private_metadata=modal["private_metadata"])
        assert answer.status == 200
    told = dm_saying(live, "U1", "handed")
    assert "<@UBOSS> handed *Nora Quinn* (Acme Corp) to <@U3>" in told
    assert "to <@U3>: in their digest November 27" in dm_saying(live, "UBOSS", "Handed")
    dm_saying(live, "UBOSS", "Already handed over")
    live.wait_until_idle()

    after = prospect(live, pid)
    assert after.rep_id == teams.rep_ids["U3"]
    assert after.handed_over_from_rep_id == teams.rep_ids["U1"]
    assert after.handover_note == note
    assert (after.status, after.next_touch_on) == (ProspectStatus.DORMANT.value, FRIDAY)
    with live.session() as session:
        touches = session.scalars(select(Touch.outcome).where(Touch.prospect_id == pid)).all()
    assert sorted(touches) == [Outcome.NO_REPLY.value, Outcome.WALKED_AWAY.value]
    [decision] = manager_decisions(live, pid)
    assert (decision.kind, decision.rep_id, decision.by_rep_id, decision.to_rep_id) == (
        DecisionKind.HAND_OVER.value, teams.rep_ids["U1"], teams.rep_ids["UBOSS"],
        teams.rep_ids["U3"])
    assert decision.note == note

    live.clock.set("2026-11-27T00:30:00+00:00")  # Friday 9:30 in Tokyo
    digest = post_digest(live, "U3")
    text = blocks_text(digest.blocks)
    assert ("Handed over by <@UBOSS> from <@U1>: Try the CFO &lt;!channel&gt; &amp; mention "
            "the Q2 budget") in text

    # The new rep logs a contact: it is theirs now, and the marker is gone.
    no_reply = next(e for b in digest.blocks if b.get("block_id") == f"p{pid}:actions"
                    for e in b["elements"] if e["action_id"] == ids.NO_REPLY)
    live.driver.block_action("U3", ids.NO_REPLY, no_reply["value"],
                             block_id=f"p{pid}:actions", message=as_clicked(digest))
    live.fake.wait_for("chat.update")
    live.wait_until_idle()
    cleared = prospect(live, pid)
    assert (cleared.handed_over_from_rep_id, cleared.handover_note) == (None, None)
    assert "Handed over" not in blocks_text(live.fake.messages("U3")[-1].blocks)


def test_the_hand_over_form_shows_inline_errors_and_changes_nothing(live: LiveApp) -> None:
    teams = make_teams(live)
    pid = walked_away(live, "Nora Quinn")
    version = prospect(live, pid).version
    meta = ids.encode_meta(ids.ModalMeta(prospect_id=pid, version=version))
    foreign = str(teams.rep_ids["U4"])  # a rep of another team, forged into the form
    values = {ids.IN_NEW_REP: {ids.IN_NEW_REP: static_select(foreign)},
              ids.IN_HANDOVER_NOTE: {ids.IN_HANDOVER_NOTE: plain_text("   ")}}
    answer = live.driver.view_submission("UBOSS", ids.HAND_OVER_MODAL, values,
                                         private_metadata=meta)
    body = answer.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {ids.IN_NEW_REP, ids.IN_HANDOVER_NOTE}
    live.wait_until_idle()
    assert prospect(live, pid).version == version
    assert manager_decisions(live, pid) == []


def test_a_rep_or_another_teams_manager_forging_the_clicks_is_refused(live: LiveApp) -> None:
    teams = make_teams(live)
    pid = walked_away(live, "Nora Quinn")
    before = prospect(live, pid)
    value = ids.encode_value(ids.ActionValue(prospect_id=pid, version=before.version))
    meta = ids.encode_meta(ids.ModalMeta(prospect_id=pid, version=before.version))
    values = {ids.IN_NEW_REP: {ids.IN_NEW_REP: static_select(str(teams.rep_ids["U4"]))},
              ids.IN_HANDOVER_NOTE: {ids.IN_HANDOVER_NOTE: plain_text("mine now")}}

    for user_id in ("U1", "UWEST"):
        click(live, user_id, ids.REVIEW_REOPEN, value, pid)
        click(live, user_id, ids.REVIEW_HAND_OVER, value, pid)
        live.driver.view_submission(user_id, ids.HAND_OVER_MODAL, values, private_metadata=meta)
        live.wait_until(lambda u=user_id: len(  # type: ignore[misc]
            [m for m in live.fake.messages(u) if "Only a manager of that rep" in m.text]) == 3)
    live.wait_until_idle()

    after = prospect(live, pid)
    assert (after.version, after.status, after.rep_id) == (
        before.version, ProspectStatus.WALKED_AWAY.value, teams.rep_ids["U1"])
    assert manager_decisions(live, pid) == []
    assert live.fake.calls_to("views.open") == []


def test_a_do_not_contact_prospect_has_no_buttons_and_stays_closed(live: LiveApp) -> None:
    make_teams(live)
    flagged = walked_away(live, "Nora Quinn")
    by_reason = walked_away(live, "Rae Son", reason=WalkAwayReason.OTHER)
    with unit_of_work(live.sessions) as session:
        found = session.get(Prospect, flagged)
        assert found is not None
        found.do_not_contact = True
        # The walk-away reason alone says it too (another engineer adds it to the enum).
        for decision in session.scalars(select(Decision).where(Decision.prospect_id == by_reason)):
            decision.reason = "do_not_contact"

    home = open_home(live, "UBOSS")
    text = blocks_text(home["blocks"])
    assert text.count("They asked not to be contacted: it stays closed.") == 2
    assert review_buttons(home, flagged) == {} and review_buttons(home, by_reason) == {}

    for pid in (flagged, by_reason):
        version = prospect(live, pid).version
        value = ids.encode_value(ids.ActionValue(prospect_id=pid, version=version))
        click(live, "UBOSS", ids.REVIEW_REOPEN, value, pid)
        click(live, "UBOSS", ids.REVIEW_HAND_OVER, value, pid)
    live.wait_until(lambda: len(
        [m for m in live.fake.messages("UBOSS") if "asked not to be contacted" in m.text]) == 4)
    live.wait_until_idle()
    for pid in (flagged, by_reason):
        assert prospect(live, pid).status == ProspectStatus.WALKED_AWAY.value
        assert manager_decisions(live, pid) == []
    assert live.fake.calls_to("views.open") == []


def test_a_click_from_an_older_home_is_refused(live: LiveApp) -> None:
    make_teams(live)
    pid = walked_away(live, "Nora Quinn")
    value = review_buttons(open_home(live, "UBOSS"), pid)[ids.REVIEW_REOPEN]
    with unit_of_work(live.sessions) as session:
        changed = session.get(Prospect, pid)
        assert changed is not None
        changed.version += 1  # edited since the Home was drawn

    click(live, "UBOSS", ids.REVIEW_REOPEN, value, pid)
    assert "changed since your Home was drawn" in dm_saying(live, "UBOSS", "changed since")
    live.wait_until_idle()
    assert prospect(live, pid).status == ProspectStatus.WALKED_AWAY.value
    assert manager_decisions(live, pid) == []


def test_an_admin_with_no_teams_reviews_everyone(live: LiveApp) -> None:
    live.fake.add_user("UADMIN", team_id="T1", tz="America/New_York", is_admin=True)
    pid = walked_away(live, "Nora Quinn")
    with unit_of_work(live.sessions) as session:
        admin = rep_ctx(live, session, "UADMIN").rep
        admin.is_admin = True
        assert session.scalar(select(Rep.id).where(Rep.id == admin.id)) is not None
    value = review_buttons(open_home(live, "UADMIN"), pid)[ids.REVIEW_REOPEN]
    click(live, "UADMIN", ids.REVIEW_REOPEN, value, pid)
    dm_saying(live, "UADMIN", "Reopened")
    assert prospect(live, pid).next_touch_on == WEDNESDAY
