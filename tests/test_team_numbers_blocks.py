"""bot.blocks.team_numbers: the `/revive team` reply and the Home section (pure)."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block

from bot import coach
from bot.blocks.team_numbers import (
    FEW_MARK,
    HOME_TEAMS_MAX,
    home_section,
    team_reply,
)
from bot.domain import Situation
from bot.mrkdwn import MESSAGE_BLOCKS_MAX, SECTION_TEXT_MAX
from bot.team.numbers import (
    PairRate,
    Period,
    RepName,
    RepNumbers,
    TeamNumbers,
    TeamReport,
    sum_numbers,
)
from tests.fakeslack import blocks_text

TODAY = date(2026, 11, 24)
PERIOD = Period(date(2026, 11, 1), TODAY)
QUIET = Situation.WENT_QUIET


def valid(blocks: list[dict[str, Any]]) -> str:
    assert len(blocks) <= MESSAGE_BLOCKS_MAX
    for block in blocks:
        Block.parse(block).to_dict()  # type: ignore[union-attr]
        assert len(block.get("text", {}).get("text", "")) <= SECTION_TEXT_MAX
    return blocks_text(blocks)


def report(
    reps: list[RepNumbers],
    names: dict[int, RepName],
    pairs: tuple[PairRate, ...] = (),
    team: str = "East",
) -> TeamReport:
    numbers = TeamNumbers(PERIOD, tuple(reps), sum_numbers(reps), pairs)
    return TeamReport(team=team, today=TODAY, numbers=numbers, names=names)


def test_the_reply_shows_totals_each_rep_and_the_table_with_playbook_words() -> None:
    dana = RepNumbers(1, 10, 4, 2, 3, (("unreachable", 2), ("not_a_fit", 1)), 5, 40)
    sam = RepNumbers(2, 6, 3, 0, 0, (), 0, 12)
    names = {1: RepName(1, "U0DANA", "Dana"), 2: RepName(2, "U0SAM", "Sam")}
    pairs = (
        PairRate("homework", QUIET.value, 8, 2),
        PairRate("real_reason", Situation.SAID_NO.value, 3, 1),
    )

    reply = team_reply(report([dana, sam], names, pairs))
    text = valid(reply.blocks)

    for expected in (
        "Team numbers · East",
        "Nov 1 – today",
        "*Contacts*\n16",
        "*Learned something new*\n44% (7 of 16)",
        "*Revived*\n2",
        "*Walked away*\n3",
        "*Overdue*\n5",
        "*In rotation*\n52",
        "unreachable 2, not a fit 1",
        "<@U0DANA> — 10 contacts · 40% learned something new · 2 revived · 3 walked away "
        "(unreachable 2, not a fit 1) · 5 overdue · 40 in rotation",
        "<@U0SAM> — 6 contacts · 50% learned something new",
        f"*{coach.SITUATIONS[QUIET].label}*",
        f"• {coach.TACTICS['homework'].title} — 2 of 8 revived (25%)",
        f"• {coach.TACTICS['real_reason'].title} — 1 of 3 revived (33%) _{FEW_MARK}_",
        "within 60 days",
    ):
        assert expected in text, expected
    assert text.index("<@U0DANA>") < text.index("<@U0SAM>")  # by name
    assert reply.text.startswith("Team numbers for East, Nov 1 – today: 16 contacts, 44%")


def test_user_values_are_escaped_and_odd_ids_are_not_mentions() -> None:
    rep = RepNumbers(1, 1, 0, 0, 1, (("<!here>", 1),))
    names = {1: RepName(1, "<!channel>", "<@U999> & co")}
    pairs = (PairRate("<gone>", "<odd>", 1, 0),)

    reply = team_reply(report([rep], names, pairs, team="<!everyone> A&B"))
    text = valid(reply.blocks) + reply.text

    for raw in ("<!channel>", "<!everyone>", "<@U999>", "<!here>", "<gone>", "<odd>", "A&B"):
        assert raw not in text, raw
    assert "&lt;@U999&gt; &amp; co" in text
    assert "&lt;!everyone&gt; A&amp;B" in text


def test_fifty_reps_and_every_pair_stay_inside_one_message() -> None:
    reps = [RepNumbers(n, 2000, 700, 30, 9, (("unreachable", 5), ("other", 4)), 30, 200)
            for n in range(1, 51)]  # fmt: skip
    names = {n: RepName(n, f"U{n:08d}", "A rather long display name " * 3) for n in range(1, 51)}
    pairs = tuple(
        PairRate(tactic.id, situation.value, 100, 7)
        for tactic in coach.TACTICS.values()
        for situation in tactic.situations
    )
    reply = team_reply(report(reps, names, pairs))
    text = valid(reply.blocks)
    assert all(f"<@U{n:08d}>" in text for n in range(1, 51))
    assert text.count("revived (7%)") == len(pairs)


def test_a_team_without_reps_says_so() -> None:
    reply = team_reply(report([], {}))
    assert "East* has no reps yet" in valid(reply.blocks)


def test_the_home_section_is_compact_totals_and_best_pairs_per_team() -> None:
    rep = RepNumbers(1, 10, 4, 2, 0, (), 1, 9)
    pairs = (PairRate("homework", QUIET.value, 8, 4), PairRate("real_reason", QUIET.value, 2, 2))
    reports = [report([rep], {}, pairs, team=f"Team {n}") for n in range(HOME_TEAMS_MAX)]

    blocks = home_section(reports, more=2)
    text = valid(blocks)

    assert len(blocks) <= 15
    assert text.count("*Contacts*\n10") == HOME_TEAMS_MAX
    assert f"Best at reviving: *{coach.TACTICS['homework'].title}*" in text
    assert coach.TACTICS["real_reason"].title not in text  # 2 tries: not a "best"
    assert "2 more teams" in text
    assert "/revive team" in text
    assert home_section([]) == []
