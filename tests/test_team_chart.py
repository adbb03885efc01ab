"""The weekly report's chart: a real PNG of the promised size, drawn from any figures."""

from __future__ import annotations

import io
import math
import struct
import threading
import warnings
from datetime import date, timedelta

import pytest
from PIL import Image  # matplotlib's own dependency

from bot.team import chart
from bot.team.chart import build_chart, weekly_chart_png
from bot.team.figures import ChartFigures, RepWeek, TacticRate

WEEKS = [date(2025, 3, 3) + timedelta(weeks=i) for i in range(8)]


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk, which must come first."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def colours(png: bytes) -> dict[tuple[int, int, int], int]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {rgb: count for count, rgb in image.getcolors(maxcolors=1 << 20) or []}


def rgb(hex_colour: str) -> tuple[int, int, int]:
    value = int(hex_colour.lstrip("#"), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def sample(reps: int = 3, tactics: int = 4) -> ChartFigures:
    rep_weeks = [RepWeek(f"Rep {r}", week, 3 + (r + i) % 4, (r + i) % 3)
                 for r in range(reps) for i, week in enumerate(WEEKS)]
    rates = [TacticRate(f"Tactic {t}", "Went quiet" if t % 2 else None, 2 + 3 * t, 1 + t)
             for t in range(tactics)]
    return ChartFigures("Team North · week of 21 April", WEEKS, rep_weeks, rates)


# --- the picture ------------------------------------------------------------------------


def test_a_chart_is_a_1200_by_600_png_with_the_reps_colours() -> None:
    png = weekly_chart_png(sample())
    assert png_size(png) == (chart.WIDTH_PX, chart.HEIGHT_PX) == (1200, 600)
    seen = colours(png)
    assert len(seen) > 50  # text, bars, anti-aliasing: not a blank canvas
    # Each of the three reps' bands, in its colour, and plenty of it.
    for colour in chart.REP_COLOURS[:3]:
        assert seen.get(rgb(colour), 0) > 500, colour
    assert rgb(chart.REP_COLOURS[3]) not in seen  # a fourth rep was never drawn


def test_nothing_logged_draws_a_chart_that_says_so() -> None:
    figure = build_chart(ChartFigures("Team North", WEEKS, [], []))
    texts = [t.get_text() for ax in figure.axes for t in ax.texts]
    assert texts[0] == "No contacts logged yet" and "since 3 Mar" in texts[1]
    png = weekly_chart_png(ChartFigures("Team North", [], [], []))
    assert png_size(png) == (1200, 600)
    seen = colours(png)
    assert sum(n for c, n in seen.items() if max(c) < 128) > 300  # dark text was drawn
    assert not any(rgb(c) in seen for c in chart.REP_COLOURS)  # and no bar


def test_zero_contacts_and_untried_tactics_count_as_nothing_logged() -> None:
    figures = ChartFigures("T", WEEKS, [RepWeek("Ana", WEEKS[0], 0, 0)],
                           [TacticRate("Breakup email", None, 0, 0)])
    [ax] = build_chart(figures).axes
    assert ax.texts[0].get_text() == chart.EMPTY_TEXT


def test_one_empty_panel_says_so_and_the_other_is_drawn() -> None:
    tactics_only = build_chart(ChartFigures("T", WEEKS, [], sample().tactics))
    contacts_ax, _, tactics_ax = tactics_only.axes
    assert [t.get_text() for t in contacts_ax.texts] == ["No contacts logged in these weeks"]
    assert len(tactics_ax.patches) == 4
    contacts_only = build_chart(ChartFigures("T", WEEKS, sample().rep_weeks, []))
    assert [t.get_text() for t in contacts_only.axes[2].texts] == ["No tactic tried yet"]


def test_fifty_reps_and_twenty_tactics_render_readably() -> None:
    figures = sample(reps=50, tactics=20)
    png = weekly_chart_png(figures)
    assert png_size(png) == (1200, 600)
    contacts_ax, _, tactics_ax = build_chart(figures).axes
    legend = [t.get_text() for t in contacts_ax.get_legend().get_texts()]
    assert len(legend) == chart.REPS_NAMED + 1 and legend[0] == "44 other reps"
    assert len(tactics_ax.get_yticklabels()) == chart.TACTICS_SHOWN
    assert "+ 8 less tried tactics not shown" in tactics_ax.get_xlabel()
    assert rgb(chart.OTHERS_COLOUR) in colours(png)


def test_few_tries_are_hatched_and_explained() -> None:
    rates = [TacticRate("Breakup email", None, 4, 3), TacticRate("Referral", None, 5, 1)]
    ax = build_chart(ChartFigures("T", WEEKS, [], rates)).axes[2]
    hatches = {t.get_text(): p.get_hatch() for t, p in zip(ax.get_yticklabels(), ax.patches,
                                                          strict=True)}
    assert hatches == {"Breakup email": "///", "Referral": None}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["fewer than 5 tries"]
    assert sorted(t.get_text() for t in ax.texts) == ["20% · 5 tries", "75% · 4 tries"]
    solid = build_chart(ChartFigures("T", WEEKS, [], rates[1:])).axes[2]
    assert solid.get_legend() is None


def test_tactics_shown_are_the_most_tried_with_the_best_rate_on_top() -> None:
    rates = [TacticRate(f"T{i}", None, tried, revived)
             for i, (tried, revived) in enumerate([(30, 3), (20, 10), (1, 1)] + [(2, 0)] * 11)]
    ax = build_chart(ChartFigures("T", WEEKS, [], rates)).axes[2]
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert len(names) == 12 and "T2" not in names  # the 1-try 100 % is the one left out
    assert names[-2:] == ["T0", "T1"]  # drawn bottom-up: 50 % on top, then 10 %


def test_any_name_is_drawn_without_warnings_or_mathtext() -> None:
    names = ["张伟", "Zoë 😀", "$5 Deal$", "a$b", "x" * 200, "Tab\tand\nnewline", "محمد"]
    rep_weeks = [RepWeek(n, WEEKS[-1], 2 + i, 1) for i, n in enumerate(names)]
    figures = ChartFigures("Deals over $1,000 — 张伟's team", WEEKS, rep_weeks,
                           [TacticRate("$$", "Lost on price " * 9, 9, 9)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph or bad mathtext warns or raises
        png = weekly_chart_png(figures)
    assert png_size(png) == (1200, 600)
    legend = [t.get_text() for t in build_chart(figures).axes[0].get_legend().get_texts()]
    assert r"\$5 Deal\$" in legend and r"a\$b" in legend


def test_labels_are_one_bounded_line_of_drawable_text() -> None:
    assert chart.label("x" * 30, 22) == "x" * 21 + "…"
    assert chart.label("  Tab\tand\nnewline ", 40) == "Tab and newline"
    assert chart.label("Zoë Ω", 22) == "Zoë Ω"  # DejaVu draws these
    assert chart.label("\U00010000", 22) == chart.MISSING_GLYPH  # nothing installed does
    assert chart.label("$1", 22) == r"\$1"


def test_same_figures_same_bytes_from_any_thread() -> None:
    figures = sample(reps=9, tactics=8)
    expected = weekly_chart_png(figures)
    results: list[bytes] = []
    errors: list[BaseException] = []

    def render() -> None:
        try:
            results.append(weekly_chart_png(figures))
        except BaseException as error:  # surfaced below, with the thread's own error
            errors.append(error)

    threads = [threading.Thread(target=render) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(results) == 6
    assert all(result == expected for result in results)
    assert b"Matplotlib" not in expected  # no version stamp: a re-render is no change


# --- the numbers behind it ----------------------------------------------------------------


def test_the_last_eight_weeks_are_shown_oldest_first() -> None:
    weeks = [date(2025, 1, 6) + timedelta(weeks=i) for i in range(10)]
    assert chart.shown_weeks(ChartFigures("T", list(reversed(weeks)))) == weeks[2:]
    derived = ChartFigures("T", [], [RepWeek("A", weeks[3], 1, 0), RepWeek("A", weeks[1], 1, 0)])
    assert chart.shown_weeks(derived) == [weeks[1], weeks[3]]


def test_bands_name_the_busiest_reps_and_group_the_rest() -> None:
    rows = [RepWeek(f"R{i}", WEEKS[0], 10 + i, 0) for i in range(8)]
    rows += [RepWeek("R0", WEEKS[1], 100, 0), RepWeek("Idle", WEEKS[1], 0, 0)]
    bands = chart.rep_bands(WEEKS[:2], rows)
    assert [name for name, _ in bands] == ["R0", "R7", "R6", "R5", "R4", "R3", "2 other reps"]
    assert bands[0][1] == [10, 100] and bands[-1][1] == [11 + 12, 0]
    seven = chart.rep_bands(WEEKS[:1], rows[:7])  # one more than named: all by name
    assert len(seven) == 7 and "other" not in seven[-1][0]


def test_learned_share_is_the_teams_per_week_and_a_gap_without_contacts() -> None:
    rows = [RepWeek("A", WEEKS[0], 4, 1), RepWeek("B", WEEKS[0], 6, 4),
            RepWeek("A", WEEKS[2], 2, 2)]
    shares = chart.learned_shares(WEEKS[:3], rows)
    assert shares[0] == 0.5 and math.isnan(shares[1]) and shares[2] == 1.0


def test_figures_refuse_impossible_counts() -> None:
    with pytest.raises(ValueError):
        RepWeek("A", WEEKS[0], 2, 3)
    with pytest.raises(ValueError):
        TacticRate("Breakup email", None, 1, 2)
    with pytest.raises(ValueError):
        RepWeek("A", WEEKS[0], -1, -1)
    assert TacticRate("Breakup email", None, 4, 1).rate == 0.25
