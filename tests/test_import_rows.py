"""bot.imports.rows: a row → a prospect or its reasons; dates decided once per file."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import Situation
from bot.imports.columns import map_columns
from bot.imports.reader import read_table
from bot.imports.rows import (
    BadDate,
    Candidate,
    DateOrder,
    DateReading,
    date_cells,
    decide_order,
    order_for_zone,
    read_candidates,
    read_date,
)
from bot.imports.situations import competitor_named, place

TODAY = date(2026, 11, 24)
US = DateReading(DateOrder.MONTH_FIRST)
EU = DateReading(DateOrder.DAY_FIRST)
MIXED = DateReading(None)


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reading", "expected"),
    [
        ("2026-03-04", US, date(2026, 3, 4)),
        ("2026-03-04 10:22", EU, date(2026, 3, 4)),
        ("2026-03-04T10:22:05Z", US, date(2026, 3, 4)),
        ("2026-03-04 14:03:11", US, date(2026, 3, 4)),
        ("2026/3/4", US, date(2026, 3, 4)),
        ("03/04/2026", US, date(2026, 3, 4)),
        ("03/04/2026", EU, date(2026, 4, 3)),
        ("3/4/26", US, date(2026, 3, 4)),
        ("03-04-2026", EU, date(2026, 4, 3)),
        ("04.03.2026", US, date(2026, 3, 4)),  # dots are European whatever the file's order
        ("4.3.2026 09:00", EU, date(2026, 3, 4)),
        ("9/30/2026 5:00 PM", US, date(2026, 9, 30)),
        ("30/09/2026", MIXED, date(2026, 9, 30)),
        ("09/30/2026", MIXED, date(2026, 9, 30)),
        ("07/07/2026", MIXED, date(2026, 7, 7)),
        ("Mar 4, 2026", US, date(2026, 3, 4)),
        ("4 March 2026", EU, date(2026, 3, 4)),
        ("", US, None),
    ],
)
def test_dates_in_every_form(text: str, reading: DateReading, expected: date | None) -> None:
    assert read_date(text, reading, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "reading", "why"),
    [
        ("13/04/2026", US, "not a date in month/day order"),
        ("04/13/2026", EU, "not a date in day/month order"),
        ("03/04/2026", MIXED, "could be March 4 or April 3"),
        ("2026-02-30", US, "is not a date"),
        ("31.02.2026", US, "is not a date"),
        ("soon", US, "is not a date"),
        ("2026-03-04 and more", US, "is not a date"),
    ],
)
def test_dates_that_cannot_be_read_say_why(text: str, reading: DateReading, why: str) -> None:
    with pytest.raises(BadDate, match=why):
        read_date(text, reading, TODAY)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["03/04/2026", "13/04/2026"], DateReading(DateOrder.DAY_FIRST)),
        (["03/04/2026", "04/13/2026"], DateReading(DateOrder.MONTH_FIRST)),
        (["13/04/2026", "04/13/2026"], DateReading(None)),
        (["03/04/2026"], DateReading(DateOrder.MONTH_FIRST, assumed=True)),
        (["05/05/2026", "2026-01-02", "04.03.2026"], DateReading(DateOrder.MONTH_FIRST)),
        ([], DateReading(DateOrder.MONTH_FIRST)),
    ],
)
def test_the_order_is_decided_once_per_file(texts: list[str], expected: DateReading) -> None:
    assert decide_order(texts, DateOrder.AUTO, DateOrder.MONTH_FIRST) == expected


def test_a_chosen_order_wins_and_is_not_called_a_guess() -> None:
    reading = decide_order(["13/04/2026"], DateOrder.MONTH_FIRST, DateOrder.DAY_FIRST)
    assert reading == DateReading(DateOrder.MONTH_FIRST) and reading.note() is None


def test_only_a_guess_or_a_mixed_file_gets_a_note() -> None:
    assert "month/day" in (DateReading(DateOrder.MONTH_FIRST, assumed=True).note() or "")
    assert "day/month" in (DateReading(DateOrder.DAY_FIRST, assumed=True).note() or "")
    assert "day-first and month-first" in (DateReading(None).note() or "")
    assert DateReading(DateOrder.DAY_FIRST).note() is None


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
       st.sampled_from([DateOrder.MONTH_FIRST, DateOrder.DAY_FIRST]))
def test_a_file_with_one_unambiguous_date_reads_every_date_right(
    day: date, order: DateOrder
) -> None:
    def written(d: date) -> str:
        return f"{d.month:02}/{d.day:02}/{d.year}" if order is DateOrder.MONTH_FIRST \
            else f"{d.day:02}/{d.month:02}/{d.year}"

    witness = date(2026, 1, 31)  # the 31st: only one order reads it
    reading = decide_order([written(witness), written(day)], DateOrder.AUTO,
                           DateOrder.DAY_FIRST if order is DateOrder.MONTH_FIRST
                           else DateOrder.MONTH_FIRST)
    assert reading == DateReading(order)
    assert read_date(written(day), reading, TODAY) == day


@pytest.mark.parametrize(
    ("zone", "order"),
    [
        ("America/New_York", DateOrder.MONTH_FIRST),
        ("America/Los_Angeles", DateOrder.MONTH_FIRST),
        ("America/Sao_Paulo", DateOrder.DAY_FIRST),
        ("Europe/Paris", DateOrder.DAY_FIRST),
        ("UTC", DateOrder.DAY_FIRST),
    ],
)
def test_the_guess_follows_the_importers_zone(zone: str, order: DateOrder) -> None:
    assert order_for_zone(zone) is order


# --- the situation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("situation", "reason", "statuses", "expected"),
    [
        ("went quiet", "", [], Situation.WENT_QUIET),
        ("chose_competitor", "Price", [], Situation.CHOSE_COMPETITOR),  # the column wins
        ("", "Price", ["Closed Lost"], Situation.SAID_NO),
        ("", "Too expensive", [], Situation.SAID_NO),
        ("", "No budget", [], Situation.SAID_NO),
        ("", "Went with a competitor", [], Situation.CHOSE_COMPETITOR),
        ("", "Lost to Competitor", [], Situation.CHOSE_COMPETITOR),
        ("", "No response", [], Situation.WENT_QUIET),
        ("", "No Decision / Non-Responsive", [], Situation.WENT_QUIET),
        ("", "Missing feature: SSO", [], Situation.MISSING_FEATURE),
        ("", "", ["Open Deal", "Bad Timing"], Situation.SAID_NO),
        ("", "Other", ["Closed Lost"], None),  # says where the deal is, not why
        ("", "", ["lost"], None),
        ("", "", [], None),
        ("banana", "Price", [], None),  # a Situation column that says nothing known
        ("said no", "", ["Closed Won"], None),  # won is not dormant
        ("", "", ["walked_away"], None),
    ],
)
def test_the_situation_is_placed_or_explained(
    situation: str, reason: str, statuses: list[str], expected: Situation | None
) -> None:
    placed = place(situation, reason, statuses)
    assert placed.situation is expected
    assert (placed.problem is None) == (expected is not None)


@pytest.mark.parametrize(
    ("reason", "name"),
    [
        ("Went with Initech", "Initech"),
        ("Lost to Globex (cheaper)", "Globex"),
        ("signed with the Hooli team", "Hooli team"),
        ("Went with a competitor", None),
        ("chose another vendor", None),
        ("Price", None),
    ],
)
def test_a_named_competitor_is_kept(reason: str, name: str | None) -> None:
    assert competitor_named(reason) == name


# --- whole rows --------------------------------------------------------------------------


def candidates(text: str, order: DateOrder = DateOrder.AUTO) -> list[Candidate]:
    table = read_table(text.encode())
    columns = map_columns(table.headers)
    reading = decide_order(date_cells(table, columns), order, DateOrder.MONTH_FIRST)
    return read_candidates(table, columns, reading, TODAY)


def test_a_row_becomes_a_new_prospect_with_every_field() -> None:
    [row] = candidates(
        "First Name,Last Name,Company Name,Email,Phone Number,Closed Lost Reason,Close Date,"
        "Contact owner\n"
        "Dana,Reyes,Acme,dana@acme.example,+1 555 0100,Went with Globex,10/30/2026,Riley\n"
    )
    assert row.ready and row.row == 2 and row.owner == "Riley"
    new = row.new
    assert (new.name, new.company, new.situation) == ("Dana Reyes", "Acme",
                                                      Situation.CHOSE_COMPETITOR)
    assert (new.email, new.phone) == ("dana@acme.example", "+1 555 0100")
    assert (new.stated_reason, new.competitor) == ("Went with Globex", "Globex")
    assert new.decision_date == date(2026, 10, 30)


def test_a_close_date_still_ahead_is_not_a_decision_and_last_activity_stands_in() -> None:
    [ahead, fallback] = candidates(
        "Name,Company,Loss Reason,Close Date,Last Activity\n"
        "A,B,Price,2027-01-15,2026-10-01\n"
        "C,D,Price,,2026-10-02\n"
    )
    assert ahead.new.decision_date is None
    assert fallback.new.decision_date == date(2026, 10, 2)


@pytest.mark.parametrize(
    ("row", "why"),
    [
        (",Acme,said no,,", "No name"),
        ("Dana,,said no,,", "No company"),
        ("Dana,Acme,,,", "Can't tell why they went dormant: add a Situation column"),
        ("Dana,Acme,said no,not-an-email,", "Email: That doesn't look like an email"),
        ("Dana,Acme,missing feature,,", "Missing feature: which feature"),
        ("Dana,Acme,contract,,", "Contract end: a competitor contract needs the date"),
        ("Dana,Acme,said no,,2099-01-01", "Contract end:"),
        ("Dana,Acme,said no,,31/31/2026", "Contract end: '31/31/2026'"),
    ],
)
def test_a_row_that_cannot_be_added_says_why(row: str, why: str) -> None:
    [candidate] = candidates(f"Name,Company,Situation,Email,Contract end\n{row}\n")
    assert not candidate.ready
    assert any(why in problem for problem in candidate.problems), candidate.problems


def test_every_problem_of_a_row_is_listed() -> None:
    [candidate] = candidates("Name,Company,Situation,Email\n,,banana,bad\n")
    assert len(candidate.problems) == 4
