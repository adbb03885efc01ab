"""Input hygiene at the boundary: control characters out, lengths bounded, parsing linear
and done before the database transaction.
"""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot import coach, ids
from bot.domain import Outcome
from bot.errors import UserError
from bot.parsing import quick_add
from bot.parsing.clean import clean_payload, clean_text
from bot.parsing.payloads import COMMAND_TEXT_MAX, clicked_value, command_text, view_values
from bot.parsing.quick_add import PARTS_MAX, QUICK_TEXT_MAX, read_quick_add, situation_in
from store.models import EventRecord, Prospect, Rep, Workspace
from tests.conftest import LiveApp
from tests.digests import post_digest, seed
from tests.slack_driver import plain_text, static_select
from tests.test_e2e_add import form
from tests.test_e2e_outcomes import open_card, outcome_values, touches

CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F))


# --- the one cleaning function ------------------------------------------------------------


def test_clean_text_drops_c0_controls_and_del_but_keeps_newline_and_tab() -> None:
    assert clean_text(f"Da{CONTROLS}na\tReyes\nAcme") == "Dana\tReyes\nAcme"
    assert clean_text("Zoë — 東京 ☕") == "Zoë — 東京 ☕"  # only controls go


@given(st.text())
def test_cleaned_text_has_no_control_left_and_cleaning_twice_changes_nothing(text: str) -> None:
    cleaned = clean_text(text)
    assert not any(c in CONTROLS for c in cleaned)
    assert clean_text(cleaned) == cleaned
    assert [c for c in text if c not in CONTROLS] == list(cleaned)


def test_payload_readers_clean_commands_views_and_buttons() -> None:
    assert command_text({"text": " add Dana\x00, Acme\x7f "}) == "add Dana, Acme"
    view = {"state": {"values": {"b": {"b": {"type": "plain_text_input", "value": "x\x00y"}}}}}
    assert view_values(view) == {"b": {"b": {"type": "plain_text_input", "value": "xy"}}}
    value = ids.encode_value(ids.ActionValue(3, 1, tactic_id="real\x00_reason"))
    assert clicked_value({"actions": [{"value": value}]}).tactic_id == "real_reason"
    assert clean_payload([{"a": ["\x1b[31m", 3, None]}]) == [{"a": ["[31m", 3, None]}]


def test_command_text_over_slacks_limit_is_refused() -> None:
    assert command_text({"text": "x" * COMMAND_TEXT_MAX}) == "x" * COMMAND_TEXT_MAX
    with pytest.raises(UserError, match="4,000 characters"):
        command_text({"text": "x" * (COMMAND_TEXT_MAX + 1)})


# --- quick add: bounded and linear --------------------------------------------------------


def forbid_reading_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any) -> None:
        raise AssertionError("a piece was read before the text was refused")

    for name in ("_key", "situation_in", "_is_phone"):
        monkeypatch.setattr(quick_add, name, refuse)


def test_twenty_thousand_parts_are_refused_before_any_piece_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forbid_reading_pieces(monkeypatch)
    with pytest.raises(UserError, match="4,000 characters"):
        read_quick_add(", ".join(["Dana"] * 20_000))
    many = ",a" * (QUICK_TEXT_MAX // 2)  # 2,000 parts inside the length limit
    with pytest.raises(UserError, match="2000 comma-separated parts; one line takes at most 20"):
        read_quick_add(many)


def test_twenty_parts_are_read_and_one_more_is_refused() -> None:
    keys = ["note: n", "reason: r", "competitor: c", "referrer: s", "email: d@a.co"]
    parts = ["Dana", "Acme", "went quiet", *keys, *[f"extra {i}" for i in range(12)]]
    assert len(parts) == PARTS_MAX
    assert len(read_quick_add(", ".join(parts)).unknown) == 12
    with pytest.raises(UserError, match=f"{PARTS_MAX + 1} comma-separated parts"):
        read_quick_add(", ".join([*parts, "one more"]))


def test_situation_phrases_are_normalised_once_not_per_part(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = 0
    plain = quick_add._plain

    def counting(text: str) -> str:
        nonlocal calls
        calls += 1
        return plain(text)

    def per_call_normaliser(text: str) -> None:
        raise AssertionError("the coach's matcher normalises every phrase on each call")

    monkeypatch.setattr(quick_add, "_plain", counting)
    monkeypatch.setattr(coach, "situation_from_text", per_call_normaliser)
    parts = ["Dana", "Acme", *[f"blue sky {i}" for i in range(PARTS_MAX - 2)]]
    parsed = read_quick_add(", ".join(parts))
    assert len(parsed.unknown) == PARTS_MAX - 2
    assert calls <= PARTS_MAX  # one normalisation per piece read, none per phrase
    assert len(quick_add._PHRASES) > 5 * PARTS_MAX  # what per-part normalising would cost


PHRASES = sorted(
    {p for s, info in coach.SITUATIONS.items() for p in (*info.keywords, s.value, info.label)}
)


@given(st.lists(st.sampled_from(PHRASES) | st.text(string.ascii_letters + " ,'-", max_size=12),
                max_size=4))
def test_the_precomputed_matcher_agrees_with_the_coach(words: list[str]) -> None:
    text = " ".join(words)
    assert situation_in(text) == coach.situation_from_text(text)


# --- through the HTTP endpoint -------------------------------------------------------------


def count(live: LiveApp, model: type[Any]) -> int:
    with live.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def calls_made(live: LiveApp) -> list[str]:
    """Web API calls Revive made (Bolt's own auth.test on the first request aside)."""
    return [c.method for c in live.fake.calls if c.method != "auth.test"]


def test_control_characters_never_reach_the_database(live_any_db: LiveApp) -> None:
    live = live_any_db
    quick = "add Dana\x00 Reyes, Acme\x01 Corp, went quiet, note: line\x00 one\nline\ttwo\x7f"
    answer = live.driver.command("U1", quick)
    assert answer.status == 200 and answer.json()["text"].startswith("Added Dana Reyes")
    values = form(name="Lee\x00 Chan", company="Init\x1bech", situation="said_no",
                  note="a\x00b", stated_reason="budget\x0b frozen")
    assert live.driver.view_submission("U1", ids.ADD_MODAL, values).status == 200
    live.fake.wait_for("chat.postMessage")
    shipped = live.driver.command("U1", "shipped SSO\x00 for Okta")
    assert shipped.status == 200 and "SSO for Okta" in shipped.json()["text"]
    with live.session() as session:
        stored = {p.name: p for p in session.scalars(select(Prospect))}
        [event] = session.scalars(select(EventRecord))
    assert set(stored) == {"Dana Reyes", "Lee Chan"}
    assert (stored["Dana Reyes"].company, stored["Dana Reyes"].note) == (
        "Acme Corp",
        "line one line two",  # one line: the quick syntax folds whitespace
    )
    lee = stored["Lee Chan"]
    assert (lee.company, lee.note, lee.stated_reason) == ("Initech", "ab", "budget frozen")
    assert event.subject == "SSO for Okta"
    assert live.fake.validation_errors == []


def test_control_characters_in_an_outcome_are_dropped(live: LiveApp) -> None:
    pid = seed(live)
    view = open_card(live, post_digest(live, "U1"), pid)
    learned = outcome_values(Outcome.LEARNED, "CTO\x00 left\x7f")
    live.driver.view_submission("U1", ids.OUTCOME_MODAL, learned,
                                private_metadata=view["private_metadata"])
    live.fake.wait_for("chat.update")
    [touch] = touches(live, pid)
    assert touch.learned == "CTO left"


def test_too_many_parts_are_refused_with_nothing_written(live: LiveApp) -> None:
    parts = ", ".join(["Dana", "Acme", "went quiet", *[f"note {i}" for i in range(PARTS_MAX)]])
    answer = live.driver.command("U1", f"add {parts}")
    body = answer.json()
    assert answer.status == 200 and body["response_type"] == "ephemeral"
    assert f"{PARTS_MAX + 3} comma-separated parts; one line takes at most {PARTS_MAX}" in (
        body["text"]
    )
    # Refused before the rep was looked up: no row, and Slack was not even asked a zone.
    assert [count(live, m) for m in (Workspace, Rep, Prospect)] == [0, 0, 0]
    assert calls_made(live) == []


def test_text_over_slacks_limit_is_refused_with_nothing_written(live: LiveApp) -> None:
    answer = live.driver.command("U1", "add " + "Dana Reyes " * 400)
    assert answer.status == 200 and "4,000 characters" in answer.json()["text"]
    assert [count(live, m) for m in (Workspace, Rep, Prospect)] == [0, 0, 0]
    assert calls_made(live) == []


def test_quick_add_text_is_read_with_no_database_connection_held(
    live: LiveApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = live.sessions.kw["bind"]
    held: list[int] = []
    matcher = quick_add.situation_in

    def watching(text: str) -> Any:
        held.append(engine.pool.checkedout())
        return matcher(text)

    monkeypatch.setattr(quick_add, "situation_in", watching)
    answer = live.driver.command("U1", "add Dana, Acme, went quiet, note: call\x00 back")
    assert "Added" in answer.json()["text"]
    assert held and set(held) == {0}
    assert count(live, Prospect) == 1


def test_select_values_are_cleaned_like_text(live: LiveApp) -> None:
    values = form(name="Dana", company="Acme", situation="went_quiet\x00")
    values[ids.IN_SITUATION] = {ids.IN_SITUATION: static_select("went_quiet\x00")}
    values[ids.IN_NOTE] = {ids.IN_NOTE: plain_text("\x00")}
    answer = live.driver.view_submission("U1", ids.ADD_MODAL, values)
    assert answer.status == 200 and answer.text == ""  # cleaned: a valid situation again
    live.fake.wait_for("chat.postMessage")
    with live.session() as session:
        [stored] = session.scalars(select(Prospect))
    assert (stored.situation, stored.note) == ("went_quiet", None)


# --- Slack's entities in command text ----------------------------------------------------


def test_command_text_turns_slacks_three_entities_back_into_characters() -> None:
    assert command_text({"text": "add Ann, A&amp;B &lt;Labs&gt;, went quiet"}) == (
        "add Ann, A&B <Labs>, went quiet"
    )
    assert command_text({"text": "news &amp;lt;x"}) == "news &lt;x"  # typed literally


def test_a_company_with_an_ampersand_is_stored_as_typed_and_shown_escaped_once(
    live: LiveApp,
) -> None:
    # Slack sends the rep's "A&B Labs" as "A&amp;B Labs".
    answer = live.driver.command("U1", "add Ann Lee, A&amp;B Labs, went quiet")
    assert answer.status == 200
    with live.session() as session:
        [prospect] = session.scalars(select(Prospect))
    assert prospect.company == "A&B Labs"
    listed = live.driver.command("U1", "list").json()
    shown = str(listed)
    assert "A&amp;B Labs" in shown and "&amp;amp;" not in shown
