"""Reading our own export back (bot.imports.history), pure: which rows come back as they
were, and the reason each one that can't needs attention. A CRM's file reads as before."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import ProspectStatus, WalkAwayReason
from bot.imports.columns import EXPORT_HEADERS
from bot.imports.history import History
from bot.imports.plan import parse_import
from bot.imports.rows import Candidate, DateOrder

TODAY = date(2026, 11, 25)


def ours(cells: dict[str, str]) -> Candidate:
    """One row of our export: a dormant went-quiet prospect, with `cells` (by header)
    changed."""
    row = {"Name": "Dana Reyes", "Company": "Acme Corp", "Situation": "went_quiet",
           "Status": "dormant", "Owner": "U1"} | cells  # fmt: skip
    assert set(row) <= set(EXPORT_HEADERS)
    return only_row(EXPORT_HEADERS, [row.get(h, "") for h in EXPORT_HEADERS])


def only_row(headers: tuple[str, ...] | list[str], cells: list[str]) -> Candidate:
    text = ",".join(headers) + "\n" + ",".join(f'"{c}"' for c in cells) + "\n"
    parsed = parse_import(text.encode(), today=TODAY, order=DateOrder.AUTO,
                          guess=DateOrder.MONTH_FIRST, for_others=False)
    [candidate] = parsed.candidates
    return candidate


def test_a_dormant_row_brings_its_dates_and_what_was_learned() -> None:
    row = ours({"Next touch": "2026-12-09", "Last touch": "2026-11-20",
                "Last learned": "New CFO"})
    assert row.problems == ()
    assert row.history == History(ProspectStatus.DORMANT, date(2026, 12, 9), date(2026, 11, 20),
                                  "New CFO")


@pytest.mark.parametrize(("status", "expected"), [
    ("revived", ProspectStatus.REVIVED), ("Re-engaged", ProspectStatus.REVIVED),
    ("won", ProspectStatus.WON), ("WON", ProspectStatus.WON), ("", ProspectStatus.DORMANT),
])
def test_status_words(status: str, expected: ProspectStatus) -> None:
    row = ours({"Status": status})
    assert row.problems == () and row.history is not None and row.history.status is expected


def test_a_walk_away_brings_its_reason_and_day() -> None:
    row = ours({"Status": "walked away", "Walk-away reason": "Not a fit",
                "Walked away on": "2026-11-02"})
    assert row.problems == () and row.history is not None
    assert (row.history.status, row.history.walk_away_reason, row.history.walked_away_on) == (
        ProspectStatus.WALKED_AWAY, WalkAwayReason.NOT_A_FIT, date(2026, 11, 2))
    assert row.history.do_not_contact is False


def test_do_not_contact_as_the_reason_is_final_whatever_the_flag_says() -> None:
    row = ours({"Status": "walked_away", "Walk-away reason": "do_not_contact"})
    assert row.history is not None and row.history.do_not_contact is True


def test_a_customer_who_asked_not_to_be_contacted_stays_won() -> None:
    row = ours({"Status": "won", "Do not contact": "yes"})
    assert row.history == History(ProspectStatus.WON, do_not_contact=True)


@pytest.mark.parametrize(("cells", "why"), [
    ({"Status": "Closed Won"}, "Status 'Closed Won' is not one Revive knows"),
    ({"Status": "walked_away"}, "Status walked_away needs a Walk-away reason (nothing_learned"),
    ({"Status": "walked_away", "Walk-away reason": "bored"},
     "Walk-away reason 'bored' is not one Revive knows"),
    ({"Walk-away reason": "not_a_fit"}, "Walk-away reason: a dormant prospect has not walked"),
    ({"Walked away on": "2026-11-02"}, "Walked away on: a dormant prospect has not walked away"),
    ({"Status": "walked_away", "Walk-away reason": "other", "Walked away on": "2026-11-26"},
     "Walked away on: November 26, 2026 is after today"),
    ({"Do not contact": "yes"}, "they asked not to be contacted, so they can't be dormant"),
    ({"Do not contact": "maybe"}, "Do not contact 'maybe': write yes, or leave it empty"),
    ({"Status": "won", "Next touch": "2026-12-01"}, "Next touch: a won prospect has none"),
    ({"Next touch": "2036-12-01"}, "Next touch: December 1, 2036 is too far away"),
    ({"Last touch": "2026-11-26"}, "Last touch: November 26, 2026 is after today"),
    ({"Last touch": "someday"}, "Last touch: 'someday' is not a date"),
    ({"Last learned": "x" * 2001}, "Last learned: keep this under 2000 characters"),
])
def test_a_row_that_cannot_come_back_as_it_was_needs_attention(cells: dict[str, str],
                                                               why: str) -> None:
    row = ours(cells)
    assert not row.ready
    assert any(why in problem for problem in row.problems), row.problems


def test_dates_a_spreadsheet_rewrote_are_read_in_the_files_order() -> None:
    row = ours({"Next touch": "12/9/2026", "Last touch": "11/20/2026"})  # Excel, US
    assert row.history is not None
    assert (row.history.next_touch, row.history.last_touch) == (date(2026, 12, 9),
                                                                date(2026, 11, 20))


def test_a_future_decision_date_of_ours_is_kept_but_a_crms_close_date_is_a_plan() -> None:
    assert ours({"Decision date": "2026-12-15"}).new.decision_date == date(2026, 12, 15)
    crm = only_row(["Name", "Company", "Situation", "Close Date"],
                   ["Dana Reyes", "Acme Corp", "said no", "2026-12-15"])
    assert crm.ready and crm.new.decision_date is None and crm.history is None


@pytest.mark.parametrize("status", ["won", "Closed Won", "revived", "walked away"])
def test_a_crms_status_reads_as_before(status: str) -> None:
    """No column only Revive writes: the Status is a CRM's, and only dormant deals come in."""
    row = only_row(["Name", "Company", "Situation", "Status", "Email"],
                   ["Dana Reyes", "Acme Corp", "said no", status, "dana@acme.example"])
    assert row.history is None
    assert any("only dormant prospects are imported" in p for p in row.problems), row.problems
