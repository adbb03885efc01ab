"""Names on file found inside free text: the pure rules behind /revive news and shipped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.coach.mentions import display_name, edit_distance, mentioned, suggestions

COMPETITORS = ["Initech", "Globex Corp", "Umbrella"]
FEATURES = ["Single Sign-On (SSO)", "Reporting API", "Audit logs"]


def test_a_competitor_named_inside_the_news_as_reps_type_it() -> None:
    assert mentioned("Initech outage", COMPETITORS) == ["Initech"]
    assert mentioned("Initech's CEO left", COMPETITORS) == ["Initech"]
    assert mentioned("INITECH: price hike!", COMPETITORS) == ["Initech"]
    assert mentioned("Globex acquired Initech", COMPETITORS) == ["Initech"]


def test_multi_word_names_and_several_names_in_one_text() -> None:
    assert mentioned("Globex Corp acquired Initech", COMPETITORS) == ["Initech", "Globex Corp"]
    assert mentioned("globex-corp is down", COMPETITORS) == ["Globex Corp"]
    assert mentioned("Globex is down", COMPETITORS) == []  # half a name is not the name


def test_hyphens_spaces_case_and_plurals_do_not_matter() -> None:
    for typed in ("single sign on", "Single-Sign-On", "SINGLE SIGN-ON.", "singlesignon"):
        assert mentioned(typed, FEATURES) == ["Single Sign-On (SSO)"], typed
    assert mentioned("audit log is live", FEATURES) == ["Audit logs"]
    assert mentioned("the reporting APIs", FEATURES) == ["Reporting API"]


def test_an_abbreviation_matches_only_when_recorded_as_an_alias() -> None:
    assert mentioned("SSO is out", FEATURES) == ["Single Sign-On (SSO)"]
    assert mentioned("RAPI is out", FEATURES) == []


def test_words_inside_other_words_do_not_match() -> None:
    assert mentioned("Initechnology conference", COMPETITORS) == []
    assert mentioned("umbrellas for sale", ["Umbrella Inc"]) == []


def test_did_you_mean_a_word_in_common_or_a_typo() -> None:
    assert suggestions("Globex outage", COMPETITORS) == ["Globex Corp"]
    assert suggestions("Inittech outage", COMPETITORS) == ["Initech"]
    assert suggestions("sign-on", FEATURES) == ["Single Sign-On (SSO)"]
    assert suggestions("weather is nice", COMPETITORS) == []


def test_replies_show_the_name_without_its_aliases() -> None:
    assert display_name("Single Sign-On (SSO)") == "Single Sign-On"
    assert display_name("Initech") == "Initech"


@given(st.text(max_size=60), st.text(min_size=1, max_size=20))
def test_a_name_is_always_found_when_it_is_typed_as_recorded(noise: str, name: str) -> None:
    if not mentioned(name, [name]):
        return  # a name of punctuation alone has no words to find
    assert mentioned(f"{noise} {name} {noise}", [name]) == [name]


@given(st.text(max_size=12), st.text(max_size=12))
def test_edit_distance_is_symmetric_and_capped(a: str, b: str) -> None:
    assert edit_distance(a, b) == edit_distance(b, a) <= 3
    assert (edit_distance(a, b) == 0) == (a == b)
