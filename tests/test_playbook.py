"""The playbook as data: every tactic and situation of PLAYBOOK.md, their texts and rendering."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.coach.playbook import (
    EVENT_TACTICS,
    HOMEWORK,
    OMITTED_TACTICS,
    TACTICS,
    WENT_QUIET_SEQUENCE,
)
from bot.coach.rendering import (
    FALLBACKS,
    human_date,
    render,
    render_tactic,
    tactic_card,
    template_fields,
)
from bot.coach.situations import SITUATIONS, situation_from_text
from bot.domain import CoachSettings, ProspectFacts, Situation

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
TODAY = date(2026, 3, 2)

PLAYBOOK_TACTIC_IDS = {
    "real_reason", "homework", "new_ideas", "be_a_resource", "measurable_results",
    "permission_to_say_no", "voicemail_email", "did_i_offend", "copy_referrer", "final_notice",
    "feature_now_available", "before_renewal", "periodic_checkin", "land_a_slice",
    "competitor_trouble", "how_did_it_go", "no_pressure",
}  # fmt: skip
AUTHORS = {"Keith Rosen", "Eric Slife", "Al Uszynski", "Stuart Ayling"}


def prospect(situation: Situation = Situation.WENT_QUIET, **fields: object) -> ProspectFacts:
    values: dict[str, object] = {"name": "Jane Doe", "company": "Initech", "created_on": TODAY}
    values.update(fields)
    return ProspectFacts(situation=situation, **values)  # type: ignore[arg-type]


def test_rule_playbook_imports_no_slack_or_sqlalchemy() -> None:
    code = (
        "import sys, bot.coach.playbook, bot.coach; "
        "print(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'slack_sdk', 'slack_bolt', 'sqlalchemy'}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert run.stdout.strip() == "[]"


def test_names_that_moved_out_of_the_playbook_module_still_import_from_it() -> None:
    # Blocks and handlers import human_date and TacticCard from here: the split must not
    # break them, and they must be the very objects of the new modules.
    from bot.coach import playbook, rendering, situations
    from bot.coach.playbook import TacticCard, human_date

    assert human_date is rendering.human_date and TacticCard is rendering.TacticCard
    assert playbook.render is rendering.render and playbook.FALLBACKS is FALLBACKS
    assert playbook.situation_from_text is situations.situation_from_text
    with pytest.raises(AttributeError):
        playbook.no_such_name  # noqa: B018


# ---- tactics ------------------------------------------------------------------------


def test_playbook_has_exactly_the_17_tactics_of_section_2() -> None:
    assert set(TACTICS) == PLAYBOOK_TACTIC_IDS
    assert all(tactic.id == key for key, tactic in TACTICS.items())


@pytest.mark.parametrize("tactic", TACTICS.values(), ids=list(TACTICS))
def test_tactic_is_complete_data_with_a_button_sized_title(tactic: object) -> None:
    from bot.coach.playbook import Tactic

    assert isinstance(tactic, Tactic)
    assert 0 < len(tactic.title) <= 30  # a Slack button label
    assert "\n" not in tactic.purpose and 0 < len(tactic.purpose) <= 100
    assert tactic.what_to_do.strip() and tactic.talk_track.strip()
    assert tactic.source.author in AUTHORS and tactic.source.title
    assert tactic.cadence_days >= 0
    assert template_fields(tactic.talk_track) <= FALLBACKS.keys()
    assert template_fields(tactic.what_to_do) <= FALLBACKS.keys()


def test_tactics_are_frozen_data() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        TACTICS["real_reason"].title = "x"  # type: ignore[misc]


def test_tactic_credits_name_article_and_author() -> None:
    assert TACTICS["no_pressure"].source.author == "Stuart Ayling"
    assert TACTICS["final_notice"].source.title == "Getting Prospects Re-Engaged"
    assert TACTICS["before_renewal"].source.title == "Prospecting from your Trash Can"
    assert TACTICS["real_reason"].source.credit == (
        "after Keith Rosen, “6 Ways to Bring a Dead Contact Back to Life”"
    )
    by_author = {t.source.author for t in TACTICS.values()}
    assert by_author == AUTHORS


def test_homework_is_a_preparation_card_never_a_touch_of_its_own() -> None:
    assert HOMEWORK is TACTICS["homework"]
    assert HOMEWORK.situations == frozenset() and HOMEWORK.sequence_step is None
    card = tactic_card(TACTICS["before_renewal"], prospect(last_learned="new CFO"), TODAY)
    assert card.homework.startswith("Before you reach out to Jane:")
    assert "Last thing you learned: new CFO." in card.homework
    assert card.credit.startswith("after Al Uszynski")


def test_went_quiet_sequence_is_no_pressure_voicemail_offend_referrer_final_notice() -> None:
    assert [t.id for t in WENT_QUIET_SEQUENCE] == [
        "no_pressure", "voicemail_email", "did_i_offend", "copy_referrer", "final_notice",
    ]  # fmt: skip
    assert [t.sequence_step for t in WENT_QUIET_SEQUENCE] == [1, 2, 3, 4, 5]
    assert all(t.situations == {Situation.WENT_QUIET} for t in WENT_QUIET_SEQUENCE)


def test_events_map_to_their_tactics() -> None:
    assert {k.value: t.id for k, t in EVENT_TACTICS.items()} == {
        "feature_shipped": "feature_now_available",
        "competitor_news": "competitor_trouble",
    }


def test_playbook_fit_lists_match_section_2() -> None:
    fits = {t.id: t.situations for t in TACTICS.values()}
    assert {Situation.SAID_NO, Situation.CHOSE_COMPETITOR, Situation.WENT_QUIET} <= fits[
        "real_reason"
    ]
    assert {Situation.SAID_NO, Situation.BIG_COMPANY} <= fits["new_ideas"]
    assert fits["be_a_resource"] == frozenset(Situation)
    assert {Situation.SAID_NO, Situation.BIG_COMPANY, Situation.UNHAPPY_WITH_PROVIDER} == fits[
        "measurable_results"
    ]
    assert fits["feature_now_available"] == {Situation.MISSING_FEATURE}
    assert fits["before_renewal"] == {Situation.COMPETITOR_CONTRACT}
    assert fits["periodic_checkin"] == {Situation.UNHAPPY_WITH_PROVIDER}
    assert fits["land_a_slice"] == {Situation.BIG_COMPANY}
    assert fits["how_did_it_go"] == {Situation.CHOSE_COMPETITOR}


def test_caller_id_tactic_is_deliberately_absent_and_the_reason_documented() -> None:
    assert [o.id for o in OMITTED_TACTICS] == ["disengage_caller_id"]
    omitted = OMITTED_TACTICS[0]
    assert omitted.id not in TACTICS and omitted.source.author == "Eric Slife"
    assert "honest" in omitted.reason and "\n" not in omitted.reason
    assert not any("caller" in t.what_to_do.lower() for t in TACTICS.values())


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower().replace("’", "'").replace("'", ""))


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source articles live outside the repo")
def test_texts_are_in_our_own_words_no_seven_word_run_from_an_article() -> None:
    n = 7
    article_runs: set[tuple[str, ...]] = set()
    for seed in SEEDS.glob("0*.txt"):
        words = _words(seed.read_text(encoding="utf-8", errors="replace"))
        article_runs |= {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    for tactic in TACTICS.values():
        for text in (tactic.purpose, tactic.what_to_do, tactic.talk_track):
            words = _words(text)
            copied = [
                " ".join(words[i : i + n])
                for i in range(len(words) - n + 1)
                if tuple(words[i : i + n]) in article_runs
            ]
            assert not copied, f"{tactic.id} echoes an article: {copied}"


# ---- situations ---------------------------------------------------------------------


def test_every_situation_has_a_label_explanation_and_keywords_that_fit_slack() -> None:
    assert set(SITUATIONS) == set(Situation)
    for situation, info in SITUATIONS.items():
        assert info.situation is situation
        assert 0 < len(info.label) <= 30
        assert 0 < len(info.explanation) <= 75
        assert info.when_due and info.keywords


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ghosted", Situation.WENT_QUIET),
        ("went quiet after the demo", Situation.WENT_QUIET),
        ("Quiet", Situation.WENT_QUIET),
        ("no reply since March", Situation.WENT_QUIET),
        ("went_quiet", Situation.WENT_QUIET),
        ("no", Situation.SAID_NO),
        ("said no", Situation.SAID_NO),
        ("no budget", Situation.SAID_NO),
        ("Price!", Situation.SAID_NO),
        ("happy with current vendor", Situation.SAID_NO),
        ("feature", Situation.MISSING_FEATURE),
        ("missing feature: SSO", Situation.MISSING_FEATURE),
        ("contract", Situation.COMPETITOR_CONTRACT),
        ("renewal in June", Situation.COMPETITOR_CONTRACT),
        ("locked into Globex's contract", Situation.COMPETITOR_CONTRACT),
        ("unhappy", Situation.UNHAPPY_WITH_PROVIDER),
        ("not happy with their vendor", Situation.UNHAPPY_WITH_PROVIDER),
        ("enterprise", Situation.BIG_COMPANY),
        ("big company", Situation.BIG_COMPANY),
        ("lost to competitor", Situation.CHOSE_COMPETITOR),
        ("went with Globex", Situation.CHOSE_COMPETITOR),
        ("Chose a competitor", Situation.CHOSE_COMPETITOR),
        ("", None),
        ("banana", None),
        ("nobody", None),  # whole words only
    ],
)
def test_situation_from_text_matches_keywords_and_synonyms(
    text: str, expected: Situation | None
) -> None:
    assert situation_from_text(text) is expected


def test_situation_from_text_accepts_every_label_and_id() -> None:
    for situation, info in SITUATIONS.items():
        assert situation_from_text(info.label) is situation
        assert situation_from_text(situation.value) is situation


# ---- rendering ----------------------------------------------------------------------


def test_render_fills_fields_and_formats_dates_human_friendly() -> None:
    p = prospect(Situation.COMPETITOR_CONTRACT, competitor="Globex", contract_end=date(2027, 3, 3))
    text = render("{first_name} at {company}: {competitor} ends {contract_end}.", p, today=TODAY)
    assert text == "Jane at Initech: Globex ends March 3, 2027."


def test_render_missing_optional_values_fall_back_gracefully() -> None:
    p = prospect(name="", company="  ")
    text = render(
        "Hi {first_name}, {company} needs {feature} before {contract_end}; {competitor}.",
        p,
        today=TODAY,
    )
    assert text == (
        "Hi there, your company needs the feature you asked about before your renewal date; "
        "your current provider."
    )


def test_render_drops_an_optional_segment_when_a_field_inside_is_missing() -> None:
    template = "Hi {first_name},[ the proposal ran until {proposal_expiry},] bye."
    assert render(template, prospect(), today=TODAY) == "Hi Jane, bye."
    with_proposal = prospect(proposal_sent_on=date(2026, 1, 1))
    assert render(template, with_proposal, today=TODAY) == (
        "Hi Jane, the proposal ran until January 31, 2026, bye."
    )


def test_render_proposal_expiry_explicit_date_wins_over_validity() -> None:
    p = prospect(proposal_sent_on=date(2026, 1, 1), proposal_expires_on=date(2026, 1, 10))
    assert render("{proposal_expiry}", p, today=TODAY) == "January 10, 2026"
    settings = CoachSettings(proposal_valid_days=10)
    assert (
        render(
            "{proposal_expiry}",
            prospect(proposal_sent_on=date(2026, 1, 1)),
            today=TODAY,
            settings=settings,
        )
        == "January 11, 2026"
    )


def test_render_contract_end_that_passed_rolls_to_the_assumed_renewal() -> None:
    p = prospect(Situation.COMPETITOR_CONTRACT, contract_end=date(2025, 6, 1))
    assert render("{contract_end}", p, today=TODAY) == "June 1, 2026"


def test_render_never_reads_a_prospects_own_text_as_template() -> None:
    p = prospect(name="{company} [x]", company="Acme {first_name}")
    assert render("{first_name} / {company}", p, today=TODAY) == "{company} / Acme {first_name}"


def test_render_strips_the_trailing_full_stop_of_a_value() -> None:
    p = prospect(last_learned="  they hired a CFO.  ")
    assert render("Learned: {last_learned}.", p, today=TODAY) == "Learned: they hired a CFO."


def test_render_refuses_an_unknown_field() -> None:
    with pytest.raises(ValueError, match="unknown field"):
        render("{nope}", prospect(), today=TODAY)


def test_render_tactic_is_the_rendered_talk_track() -> None:
    p = prospect(Situation.MISSING_FEATURE, missing_feature="Reporting API")
    text = render_tactic(TACTICS["feature_now_available"], p, TODAY)
    assert "Initech needed Reporting API" in text and text.startswith("Hi Jane,")


def test_human_date_drops_the_year_only_when_asked_and_same_year() -> None:
    assert human_date(date(2027, 3, 3)) == "March 3, 2027"
    assert human_date(date(2027, 3, 3), today=date(2027, 1, 1)) == "March 3"
    assert human_date(date(2027, 3, 3), today=date(2026, 12, 1)) == "March 3, 2027"


# ---- the manager's documentation ------------------------------------------------------


def test_docs_list_every_tactic_situation_source_and_setting_default() -> None:
    doc = (ROOT / "docs" / "playbook.md").read_text(encoding="utf-8")
    for tactic in TACTICS.values():
        assert tactic.title in doc and f"`{tactic.id}`" in doc
        assert tactic.source.title in doc
    for situation, info in SITUATIONS.items():
        assert f"`{situation.value}`" in doc and info.label in doc
    for field in dataclasses.fields(CoachSettings):
        assert re.search(rf"`{field.name}`[^\n]*\b{field.default}\b", doc), field.name
    assert "caller ID" in doc
