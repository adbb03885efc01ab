"""The one-line syntax of `/revive add`, and the pending-prospect codec of the duplicate prompt."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.domain import Situation
from bot.parsing.quick_add import parse_quick_add, pending_from_json, pending_to_json
from bot.usecases.adding import NewProspect, problems_with

TODAY = date(2026, 11, 24)


def test_the_documented_example() -> None:
    quick = parse_quick_add(
        "Dana Reyes, Acme Corp, went quiet, proposal: 2026-11-02, referrer: Sam Lee", TODAY
    )
    assert quick.unknown == []
    assert quick.new == NewProspect(
        name="Dana Reyes",
        company="Acme Corp",
        situation=Situation.WENT_QUIET,
        proposal_sent_on=date(2026, 11, 2),
        referrer="Sam Lee",
    )
    assert problems_with(quick.new, TODAY) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dana, Acme, ghosted", {"situation": Situation.WENT_QUIET}),
        ("Dana, Acme, too expensive", {"situation": Situation.SAID_NO}),
        ("Dana, Acme, said no", {"situation": Situation.SAID_NO}),
        (
            "Dana, Acme, missing feature, feature: SSO",
            {"situation": Situation.MISSING_FEATURE, "missing_feature": "SSO"},
        ),
        (
            "Dana, Acme, competitor contract, vendor: Globex, renewal: Mar 3",
            {
                "situation": Situation.COMPETITOR_CONTRACT,
                "competitor": "Globex",
                "contract_end": date(2027, 3, 3),
            },
        ),
        (
            "Dana, Acme, competitor_contract, contract end: March 3, 2027",
            {"situation": Situation.COMPETITOR_CONTRACT, "contract_end": date(2027, 3, 3)},
        ),
        (
            "Dana, Acme, went quiet, proposal sent: 11/2/2026, proposal expires: in 2 weeks",
            {
                "situation": Situation.WENT_QUIET,
                "proposal_sent_on": date(2026, 11, 2),
                "proposal_expires_on": date(2026, 12, 8),
            },
        ),
        (
            "Dana, Acme, went quiet, Referred-By: Sam Lee, Decided on: 2026-10-01",
            {
                "situation": Situation.WENT_QUIET,
                "referrer": "Sam Lee",
                "decision_date": date(2026, 10, 1),
            },
        ),
        (
            "Dana, Acme, went quiet, email: dana@acme.com, phone: +1 555 0100",
            {"situation": Situation.WENT_QUIET, "email": "dana@acme.com", "phone": "+1 555 0100"},
        ),
        (
            "Dana, Acme, went quiet, dana@acme.com, +1 (555) 010-0199",
            {
                "situation": Situation.WENT_QUIET,
                "email": "dana@acme.com",
                "phone": "+1 (555) 010-0199",
            },
        ),
        (
            "Dana, Acme, went quiet, note: call at 9:00, reason: budget frozen",
            {
                "situation": Situation.WENT_QUIET,
                "note": "call at 9:00",
                "stated_reason": "budget frozen",
            },
        ),
        (
            "name: Dana, company: Acme, situation: unhappy with provider",
            {"situation": Situation.UNHAPPY_WITH_PROVIDER},
        ),
        ("  Dana ,   Acme  ,  went   quiet  ", {"situation": Situation.WENT_QUIET}),
    ],
)
def test_fields_are_understood(text: str, expected: dict[str, Any]) -> None:
    quick = parse_quick_add(text, TODAY)
    assert quick.unknown == []
    assert quick.new.name == "Dana"
    assert quick.new.company == "Acme"
    for name, value in expected.items():
        assert getattr(quick.new, name) == value, name


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("Dana, Acme, went quiet, budget: 5k", ["budget: 5k"]),
        ("Dana, Acme, went quiet, proposal: someday", ["proposal: someday"]),
        ("Dana, Acme, went quiet, blue sky", ["blue sky"]),
        ("Dana, Acme, went quiet, ghosted", ["ghosted"]),  # a second situation
        ("Dana, Acme, went quiet, feature:", ["feature:"]),
        ("Dana, Acme, situation: on the moon", ["situation: on the moon"]),
        ("Dana, Acme, went quiet, 2026-11-02", ["2026-11-02"]),  # a date without its key
    ],
)
def test_what_is_not_understood_is_reported(text: str, unknown: list[str]) -> None:
    quick = parse_quick_add(text, TODAY)
    assert quick.unknown == unknown
    assert quick.new.name == "Dana"
    assert quick.new.company == "Acme"


def test_missing_parts_stay_empty_for_the_form() -> None:
    only_name = parse_quick_add("Dana Reyes", TODAY)
    assert only_name.new.name == "Dana Reyes"
    assert only_name.new.company == ""
    assert only_name.new.situation is None
    assert set(problems_with(only_name.new, TODAY)) == {"company", "situation"}

    # "Dana, went quiet": plainly a situation, not a company named "went quiet".
    no_company = parse_quick_add("Dana, went quiet", TODAY)
    assert (no_company.new.company, no_company.new.situation) == ("", Situation.WENT_QUIET)

    nothing = parse_quick_add(" , ,", TODAY)
    assert nothing.new.name == "" and nothing.unknown == []


def test_validation_catches_what_the_syntax_allows() -> None:
    quick = parse_quick_add("Dana, Acme, competitor contract, contract end: 2026-01-01", TODAY)
    assert quick.unknown == []
    assert "contract_end" in problems_with(quick.new, TODAY)
    feature = parse_quick_add("Dana, Acme, missing feature", TODAY)
    assert "missing_feature" in problems_with(feature.new, TODAY)


def test_user_text_is_kept_verbatim_for_escaping_later() -> None:
    quick = parse_quick_add("<!channel>, <@U123> & Co, went quiet", TODAY)
    assert (quick.new.name, quick.new.company) == ("<!channel>", "<@U123> & Co")


def test_pending_round_trip() -> None:
    new = NewProspect(
        name="Dana",
        company="Acme",
        situation=Situation.COMPETITOR_CONTRACT,
        contract_end=date(2027, 3, 3),
        note="a, b: c",
    )
    assert pending_from_json(pending_to_json(new)) == new
    empty = NewProspect(name="", company="", situation=None)
    assert pending_from_json(pending_to_json(empty)) == empty


@pytest.mark.parametrize(
    "data",
    [None, [], "x", {"zz": "1"}, {"0": 5}, {"2": "not_a_situation"}, {"8": "2026-02-30"}],
)
def test_forged_pending_values_are_refused(data: object) -> None:
    assert pending_from_json(data) is None
