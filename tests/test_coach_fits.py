"""Tactic fit has one source, playbook.FITS: change the table and what the rep is offered
changes with it, in the coach, in the digest blocks and in the DM Slack receives."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import coach, ids
from bot.blocks.digest import digest_blocks
from bot.coach.playbook import FITS, HOMEWORK, SITUATIONS, TACTICS, WENT_QUIET_SEQUENCE, Lane
from bot.domain import Outcome, ProspectFacts, Situation, TouchFacts
from bot.usecases.reading import DueItem
from tests.conftest import LiveApp
from tests.digests import as_clicked, post_digest, seed
from tests.fakeslack import Message

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 3, 2)  # a Monday
ON = date(2026, 11, 24)  # the live clock's day, in New York


def prospect(situation: Situation, on: date = TODAY, **fields: Any) -> ProspectFacts:
    values: dict[str, Any] = {"name": "Jane Doe", "company": "Initech", "created_on": on}
    values.update(fields)
    return ProspectFacts(situation=situation, **values)


def offered(p: ProspectFacts, history: list[TouchFacts] | None = None) -> list[str]:
    return [c.tactic.id for c in coach.tactics_for(p, history or [], TODAY)]


def button_titles(blocks: list[dict[str, Any]]) -> list[str]:
    """The tactic buttons of a digest, in order (not No reply yet or the menu)."""
    return [
        e["text"]["text"]
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if str(e["action_id"]).startswith(f"{ids.TACTIC}:")
    ]


def digest_for(p: ProspectFacts, on: date = TODAY) -> list[dict[str, Any]]:
    """The blocks a rep would see for this one prospect today."""
    item = DueItem(
        facts=p,
        version=1,
        choices=tuple(coach.tactics_for(p, [], on)),
        why=coach.due_reason(p, [], on),
        days_dormant=10,
    )
    return digest_blocks([item], on, more_in_home=0)


# ---- the table itself ------------------------------------------------------------------


def test_every_lane_names_known_tactics_and_homework_is_in_none() -> None:
    for situation, lanes in FITS.items():
        for which, tactic_ids in lanes.items():
            assert tactic_ids, f"{situation}/{which} is an empty lane"
            assert set(tactic_ids) <= TACTICS.keys(), f"{situation}/{which}"
            assert HOMEWORK.id not in tactic_ids
            assert len(set(tactic_ids)) == len(tactic_ids), f"{situation}/{which} repeats"


def test_every_situation_has_the_lanes_selection_reads() -> None:
    assert set(FITS) == set(Situation)
    quiet = FITS[Situation.WENT_QUIET]
    assert {Lane.SEQUENCE, Lane.TALKING, Lane.SLOW} <= quiet.keys()
    for situation in set(Situation) - {Situation.WENT_QUIET}:
        assert FITS[situation].get(Lane.ROTATION), situation


def test_situations_and_sequence_steps_are_read_from_the_table() -> None:
    for tactic in TACTICS.values():
        in_table = {s for s, lanes in FITS.items() for ids_ in lanes.values() if tactic.id in ids_}
        assert tactic.situations == in_table, tactic.id
    steps = FITS[Situation.WENT_QUIET][Lane.SEQUENCE]
    assert [t.id for t in WENT_QUIET_SEQUENCE] == list(steps)
    assert [TACTICS[i].sequence_step for i in steps] == list(range(1, len(steps) + 1))


def test_only_event_tactics_sit_in_the_news_lanes() -> None:
    news = {i for lanes in FITS.values() for i in lanes.get(Lane.NEWS, ())}
    assert news == {t.id for t in TACTICS.values() if t.event is not None}


def test_the_managers_page_lists_every_lane_in_the_tables_order() -> None:
    doc = (ROOT / "docs" / "playbook.md").read_text(encoding="utf-8")
    labels = {info.label: situation for situation, info in SITUATIONS.items()}
    rows = set()
    for line in doc.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in labels:
            rows.add((labels[cells[0]], cells[2]))
    table = {
        (situation, " → ".join(TACTICS[i].title for i in tactic_ids))
        for situation, lanes in FITS.items()
        for tactic_ids in lanes.values()
    }
    assert rows == table


# ---- change the data, see the offer change ------------------------------------------------


def test_reordering_a_rotation_changes_what_the_coach_offers_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p = prospect(Situation.BIG_COMPANY)
    assert offered(p) == ["land_a_slice", "new_ideas", "measurable_results"]
    monkeypatch.setitem(
        FITS, Situation.BIG_COMPANY, {Lane.ROTATION: ("measurable_results", "land_a_slice")}
    )
    assert offered(p) == ["measurable_results", "land_a_slice"]
    assert Situation.BIG_COMPANY not in TACTICS["new_ideas"].situations


def test_adding_a_tactic_to_a_situation_offers_it(monkeypatch: pytest.MonkeyPatch) -> None:
    p = prospect(Situation.MISSING_FEATURE, missing_feature="SSO")
    assert "new_ideas" not in offered(p)
    lanes = {**FITS[Situation.MISSING_FEATURE], Lane.ROTATION: ("new_ideas", "be_a_resource")}
    monkeypatch.setitem(FITS, Situation.MISSING_FEATURE, lanes)
    assert offered(p) == ["new_ideas", "be_a_resource"]
    assert Situation.MISSING_FEATURE in TACTICS["new_ideas"].situations


def test_an_opener_is_first_only_while_the_table_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    p = prospect(Situation.SAID_NO, stated_reason="budget")
    assert offered(p)[0] == "real_reason"
    monkeypatch.setitem(
        FITS, Situation.SAID_NO, {Lane.ROTATION: FITS[Situation.SAID_NO][Lane.ROTATION]}
    )
    assert offered(p) == ["new_ideas", "be_a_resource", "measurable_results"]


def test_the_renewal_window_lane_is_read_inside_the_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inside = prospect(
        Situation.COMPETITOR_CONTRACT, competitor="Globex", contract_end=TODAY + timedelta(30)
    )
    assert offered(inside) == ["before_renewal", "be_a_resource"]
    lanes = {**FITS[Situation.COMPETITOR_CONTRACT], Lane.RENEWAL_WINDOW: ("measurable_results",)}
    monkeypatch.setitem(FITS, Situation.COMPETITOR_CONTRACT, lanes)
    assert offered(inside) == ["measurable_results"]


def test_dropping_a_went_quiet_step_moves_the_sequence_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    after_first = prospect(Situation.WENT_QUIET, sequence_step=1)
    history = [TouchFacts("no_pressure", Outcome.NO_REPLY, TODAY - timedelta(days=4))]
    assert offered(after_first, history) == ["voicemail_email"]
    shorter = ("no_pressure", "did_i_offend", "final_notice")
    lanes = {**FITS[Situation.WENT_QUIET], Lane.SEQUENCE: shorter}
    monkeypatch.setitem(FITS, Situation.WENT_QUIET, lanes)
    assert offered(after_first, history) == ["did_i_offend"]
    [choice] = coach.tactics_for(after_first, history, TODAY)
    assert choice.reason.startswith("Step 2 of 3")
    assert TACTICS["voicemail_email"].sequence_step is None


def test_the_digest_blocks_show_the_changed_table(monkeypatch: pytest.MonkeyPatch) -> None:
    p = prospect(Situation.UNHAPPY_WITH_PROVIDER, id=7, competitor="Globex")
    before = button_titles(digest_for(p))
    assert before == [
        "Frustrated-customer check-in", "Be a resource", "Sell measurable results",
    ]  # fmt: skip
    lanes = {**FITS[Situation.UNHAPPY_WITH_PROVIDER], Lane.ROTATION: ("new_ideas",)}
    monkeypatch.setitem(FITS, Situation.UNHAPPY_WITH_PROVIDER, lanes)
    assert button_titles(digest_for(p)) == ["Get their attention"]


# ---- through the fake Slack ----------------------------------------------------------------


def tactic_buttons(message: Message, pid: int) -> list[dict[str, Any]]:
    block = next(
        b for b in message.blocks if b.get("block_id") == ids.prospect_block_id(pid, "actions")
    )
    return [e for e in block["elements"] if str(e["action_id"]).startswith(f"{ids.TACTIC}:")]


def test_a_changed_table_reaches_the_reps_dm_and_the_card_it_opens(
    live: LiveApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    lanes = {Lane.ROTATION: ("measurable_results", "new_ideas")}
    monkeypatch.setitem(FITS, Situation.BIG_COMPANY, lanes)
    pid = seed(live, "Kim Park", "Umbrella", situation=Situation.BIG_COMPANY)
    message = post_digest(live, "U1")
    buttons = tactic_buttons(message, pid)
    assert [b["text"]["text"] for b in buttons] == [
        "Sell measurable results",
        "Get their attention",
    ]
    assert [ids.decode_value(b["value"]).tactic_id for b in buttons] == [
        "measurable_results", "new_ideas",
    ]  # fmt: skip
    live.driver.block_action(
        "U1",
        buttons[0]["action_id"],
        buttons[0]["value"],
        block_id=ids.prospect_block_id(pid, "actions"),
        message=as_clicked(message),
        channel_id="DU1",
    )
    live.fake.wait_for("views.open")
    [view] = live.fake.views.values()
    assert ids.decode_meta(view["private_metadata"]).tactic_id == "measurable_results"
    assert live.fake.validation_errors == []
