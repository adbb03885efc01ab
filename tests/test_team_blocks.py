"""Pure: the Teams section and the team modal as Slack's own models accept them, the modal's
parser, and the codecs of the Edit button and the modal's metadata."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot import ids
from bot.blocks.team_modal import FIELD_BLOCKS, TeamForm, team_form_from_state, team_modal
from bot.blocks.teams import TEAMS_SHOWN_MAX, mention, teams_blocks
from bot.errors import UserError
from bot.team.teams import CHANNEL, MANAGERS, NAME, REPS, REPS_MAX, Member, TeamListing
from tests.fakeslack import blocks_text


def team(
    team_id: int = 1, name: str = "East", reps: int = 2, channel: str | None = None
) -> TeamListing:
    return TeamListing(
        id=team_id,
        name=name,
        managers=(Member("UMAX", "Max", True), Member("UOLD", "Old", False)),
        reps=tuple(Member(f"U{n:04d}", None, n % 2 == 0) for n in range(reps)),
        report_channel=channel,
    )


def valid_blocks(blocks: list[dict[str, Any]]) -> None:
    """slack_sdk's models raise on what Slack would refuse (lengths, shapes)."""
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.to_dict()


def test_the_section_for_an_admin_has_edit_and_new_team_buttons() -> None:
    blocks = teams_blocks([team(1, "East"), team(2, "West")], admin=True)
    valid_blocks(blocks)
    edits = [b["accessory"] for b in blocks if "accessory" in b]
    assert [e["action_id"] for e in edits] == [ids.HOME_TEAM_EDIT] * 2
    assert [ids.decode_team_value(e["value"]) for e in edits] == [1, 2]
    assert blocks[-1]["elements"][0]["action_id"] == ids.HOME_TEAM_NEW
    text = blocks_text(blocks)
    assert "Managers: <@UMAX>, <@UOLD> (deactivated)" in text
    assert "Reps (2): <@U0000>, <@U0001> (deactivated)" in text


def test_the_section_for_a_manager_lists_without_buttons() -> None:
    blocks = teams_blocks([team()], admin=False)
    assert not any("accessory" in b or b["type"] == "actions" for b in blocks)
    assert "*East*" in blocks_text(blocks)


def test_an_admin_without_teams_is_invited_to_create_one() -> None:
    blocks = teams_blocks([], admin=True)
    assert "No teams yet" in blocks_text(blocks)
    assert blocks[-1]["elements"][0]["action_id"] == ids.HOME_TEAM_NEW


def test_many_teams_stay_inside_the_budget_and_say_how_many_more() -> None:
    many = [team(n, f"Team {n:02d}", reps=REPS_MAX) for n in range(1, TEAMS_SHOWN_MAX + 6)]
    blocks = teams_blocks(many, admin=True)
    valid_blocks(blocks)
    assert len(blocks) == 1 + TEAMS_SHOWN_MAX + 2
    assert "and 5 more" in blocks_text(blocks)
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")


def test_hostile_names_and_ids_ping_nobody() -> None:
    hostile = TeamListing(
        id=1, name="<!channel> & co", managers=(Member("<!here>", None, True),), reps=()
    )
    text = blocks_text(teams_blocks([hostile], admin=True))
    assert "<!channel>" not in text and "<!here>" not in text
    assert "&lt;!channel&gt; &amp; co" in text
    assert mention("U0123ABCD") == "<@U0123ABCD>"
    assert mention("<@U1>") == "&lt;@U1&gt;"


def test_the_new_team_modal_is_valid_and_blank() -> None:
    view = team_modal(None)
    assert View(**view).to_dict()["callback_id"] == ids.TEAM_MODAL
    assert view["title"]["text"] == "New team"
    assert ids.decode_meta(view["private_metadata"]).team_id is None
    block_ids = [b.get("block_id") for b in view["blocks"]]
    assert ids.IN_TEAM_DELETE not in block_ids
    assert all("initial_users" not in b.get("element", {}) for b in view["blocks"])
    [channel] = [b for b in view["blocks"] if b.get("block_id") == ids.IN_TEAM_CHANNEL]
    assert channel["optional"] and channel["label"]["text"] == "Report channel"
    assert channel["element"]["type"] == "conversations_select"
    assert channel["element"]["filter"] == {"include": ["public", "private"]}
    assert "initial_conversation" not in channel["element"]
    assert "/invite @Revive" in channel["hint"]["text"]


def test_the_edit_modal_is_prefilled_with_the_active_people() -> None:
    view = team_modal(team(7, "East <3"))
    View(**view).to_dict()
    assert view["title"]["text"] == "Edit team"
    assert ids.decode_meta(view["private_metadata"]).team_id == 7
    elements = {b.get("block_id"): b.get("element", {}) for b in view["blocks"]}
    assert elements[ids.IN_TEAM_NAME]["initial_value"] == "East <3"  # plain text: as typed
    assert elements[ids.IN_TEAM_MANAGERS]["initial_users"] == ["UMAX"]
    assert elements[ids.IN_TEAM_REPS]["initial_users"] == ["U0000"]
    assert "initial_conversation" not in elements[ids.IN_TEAM_CHANNEL]
    assert ids.IN_TEAM_DELETE in elements
    with_channel = team_modal(team(7, channel="C0NORTH"))
    View(**with_channel).to_dict()
    elements = {b.get("block_id"): b.get("element", {}) for b in with_channel["blocks"]}
    assert elements[ids.IN_TEAM_CHANNEL]["initial_conversation"] == "C0NORTH"
    assert "East &lt;3" in blocks_text(view["blocks"])  # in mrkdwn: escaped


def test_the_parser_reads_what_slack_sends_and_shrugs_at_garbage() -> None:
    values = {
        ids.IN_TEAM_NAME: {ids.IN_TEAM_NAME: {"type": "plain_text_input", "value": " East "}},
        ids.IN_TEAM_MANAGERS: {
            ids.IN_TEAM_MANAGERS: {"type": "multi_users_select", "selected_users": ["U1"]}
        },
        ids.IN_TEAM_REPS: {
            ids.IN_TEAM_REPS: {"type": "multi_users_select", "selected_users": ["U2", 3, None]}
        },
        ids.IN_TEAM_DELETE: {
            ids.IN_TEAM_DELETE: {"type": "checkboxes", "selected_options": [{"value": "delete"}]}
        },
    }
    assert team_form_from_state(values) == TeamForm(" East ", ("U1",), ("U2",), delete=True)
    assert team_form_from_state({}) == TeamForm("", (), ())
    forged = {ids.IN_TEAM_REPS: {ids.IN_TEAM_REPS: {"selected_users": "U1"}}}
    assert team_form_from_state(forged).reps == ()
    picked = {ids.IN_TEAM_CHANNEL: {ids.IN_TEAM_CHANNEL: {
        "type": "conversations_select", "selected_conversation": "C0NORTH"}}}  # fmt: skip
    assert team_form_from_state(picked).report_channel == "C0NORTH"
    for garbage in (None, "", 7, ["C1"]):
        chosen = {ids.IN_TEAM_CHANNEL: {ids.IN_TEAM_CHANNEL: {"selected_conversation": garbage}}}
        assert team_form_from_state(chosen).report_channel is None


def test_every_problem_field_has_an_input() -> None:
    assert set(FIELD_BLOCKS) == {NAME, MANAGERS, REPS, CHANNEL}
    view = team_modal(team())
    block_ids = {b.get("block_id") for b in view["blocks"]}
    assert set(FIELD_BLOCKS.values()) <= block_ids


def test_the_edit_button_value_round_trips_and_forgeries_are_refused() -> None:
    for team_id in (1, 42, 10**11):
        assert ids.decode_team_value(ids.encode_team_value(team_id)) == team_id
    for forged in (None, "", "0", "-1", "1.5", "abc", "1 ", "٣", "9" * 13):
        with pytest.raises(UserError, match="older Home tab"):
            ids.decode_team_value(forged)


def test_the_modal_metadata_carries_a_positive_team_id_only() -> None:
    meta = ids.ModalMeta(team_id=5)
    assert ids.decode_meta(ids.encode_meta(meta)) == meta
    for forged in ('{"team_id": 0}', '{"team_id": "5"}', '{"team_id": true}'):
        with pytest.raises(UserError):
            ids.decode_meta(forged)
