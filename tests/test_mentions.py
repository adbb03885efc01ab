"""Names on file found inside free text: the pure rules behind /revive news and shipped."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.coach.mentions import (
    display_name,
    display_names,
    edit_distance,
    mentioned,
    same_name,
    same_news,
    suggestions,
    tidy,
)
from bot.domain import Event, EventKind

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
    assert mentioned("DevOps dashboards", ["Dev Ops dashboard"]) == ["Dev Ops dashboard"]
    assert mentioned("dev ops", ["DevOps"]) == ["DevOps"]
    assert mentioned("the analysis tool", ["Analysi"]) == []  # analysis is not a plural


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


def test_echoes_lose_trailing_punctuation_and_extra_spaces() -> None:
    assert tidy("single sign-on.") == "single sign-on"
    assert tidy("  Initech   outage!!! ") == "Initech outage"
    assert tidy("what?!…") == "what"
    assert tidy("...") == "..."  # nothing but punctuation: shown as typed
    assert display_name("Initech Inc. (INI)") == "Initech Inc"
    assert display_name("Globex Corp.") == "Globex Corp"


def test_one_display_name_per_name_in_the_order_filed() -> None:
    on_file = ["Reporting API", "reporting-apis", "Single Sign-On (SSO)", "single sign on"]
    assert display_names(on_file) == ["Reporting API", "Single Sign-On"]


def test_names_much_longer_than_usual_are_found_whole() -> None:
    long_name = "First Second Third Fourth Fifth Sixth Seventh Eighth"
    assert mentioned(f"news: {long_name.lower()} merged", [long_name]) == [long_name]
    assert mentioned("first second third fourth fifth sixth seventh", [long_name]) == []


def test_same_name_is_the_name_on_file_spelled_another_way() -> None:
    assert same_name("Reporting API", "reporting-APIs")
    assert same_name("Single Sign-On (SSO)", "single sign on")
    assert not same_name("Globex", "Globex Corp")
    assert not same_name("...", "...")  # no words: not a name


def test_same_news_is_same_kind_same_name_same_day() -> None:
    today = date(2026, 11, 24)
    news = Event(EventKind.COMPETITOR_NEWS, "Initech", today)
    assert same_news(Event(EventKind.COMPETITOR_NEWS, "initech", today), news)
    assert not same_news(None, news)
    assert not same_news(Event(EventKind.COMPETITOR_NEWS, "Initech", date(2026, 11, 23)), news)
    assert not same_news(Event(EventKind.FEATURE_SHIPPED, "Initech", today), news)
    assert not same_news(Event(EventKind.COMPETITOR_NEWS, "Globex", today), news)


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=8)


@given(st.lists(_WORD, min_size=1, max_size=5), st.data())
def test_any_mix_of_spaces_hyphens_and_case_finds_the_name(
    parts: list[str], data: st.DataObject
) -> None:
    name = " ".join(p.capitalize() for p in parts)
    joiners = data.draw(st.lists(st.sampled_from([" ", "-", "", " - "]), min_size=len(parts)))
    typed = parts[0] + "".join(j + p.upper() for j, p in zip(joiners, parts[1:], strict=False))
    assert mentioned(f"heard that {typed}, today", [name]) == [name]


@given(st.text(max_size=60), st.text(min_size=1, max_size=20))
def test_a_name_is_always_found_when_it_is_typed_as_recorded(noise: str, name: str) -> None:
    if not mentioned(name, [name]):
        return  # a name of punctuation alone has no words to find
    assert mentioned(f"{noise} {name} {noise}", [name]) == [name]


@given(st.text(max_size=12), st.text(max_size=12))
def test_edit_distance_is_symmetric_and_capped(a: str, b: str) -> None:
    assert edit_distance(a, b) == edit_distance(b, a) <= 3
    assert (edit_distance(a, b) == 0) == (a == b)
