"""The weekly report's chart: a PNG, drawn from ChartFigures by a pure function.

Left: contacts per week over the last 8 weeks, stacked by rep (the busiest few by name, the
rest as one grey "others" band), and below it, on the same weeks, the share of contacts
that taught the rep something new. Right: revival rate by tactic, with the number of tries;
bars resting on fewer than 5 tries are hatched.

Drawn on a bare `matplotlib.figure.Figure` with the Agg canvas, never pyplot: no global
figure registry or rcParams is touched, so reports can be drawn from several threads.
"""

from __future__ import annotations

import functools
import io
import math
from collections import defaultdict
from datetime import date

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, fontManager, get_font
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from bot.team.figures import ChartFigures, RepWeek, TacticRate

WIDTH_PX, HEIGHT_PX, DPI = 1200, 600, 100
WEEKS_SHOWN = 8
REPS_NAMED = 6  # more colours than this cannot be told apart; the rest are "others"
TACTICS_SHOWN = 12  # the most tried; 12 bars keep labels at 10 pt in a 600 px panel
FEW_TRIES = 5  # below this a rate says little: the bar is hatched
NAME_CHARS, TACTIC_CHARS, TITLE_CHARS = 22, 26, 90
EMPTY_TEXT = "No contacts logged yet"
# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
REP_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
OTHERS_COLOUR, LEARNED_COLOUR, TACTIC_COLOUR = "#BBBBBB", "#222222", "#0072B2"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # not %b: no locale in a chart
# Used only when installed (asking for a missing family logs a warning per text).
FALLBACK_FAMILIES = ("Noto Sans", "Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans Arabic",
                     "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Thai",
                     "Noto Emoji")  # not Noto Color Emoji: a bitmap font Agg cannot scale
MISSING_GLYPH = "□"
TICK_PT, LABEL_PT, PANEL_PT, TITLE_PT = 11, 12, 13, 16


def weekly_chart_png(figures: ChartFigures) -> bytes:
    """The chart as PNG bytes, WIDTH_PX × HEIGHT_PX; with nothing logged, a chart that says
    so. Same figures, same bytes (no timestamp or version in the file)."""
    out = io.BytesIO()
    build_chart(figures).savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def build_chart(figures: ChartFigures) -> Figure:
    """The chart as a Figure on its own Agg canvas (tests look at its artists)."""
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(label(figures.title, TITLE_CHARS), fontsize=TITLE_PT, fontweight="bold",
                    fontfamily=font_families())
    weeks = shown_weeks(figures)
    shown = set(weeks)
    rep_weeks = [r for r in figures.rep_weeks if r.week_start in shown]
    tactics = [t for t in figures.tactics if t.tried > 0]
    if not any(r.contacts for r in rep_weeks) and not tactics:
        empty_chart(figure, weeks)
    else:
        # Left column: contacts (tall) over the learned share (short), one x axis; right:
        # the tactics, full height.
        grid = figure.add_gridspec(2, 2, height_ratios=(3, 1), width_ratios=(1.2, 1))
        contacts_ax = figure.add_subplot(grid[0, 0])
        share_ax = figure.add_subplot(grid[1, 0], sharex=contacts_ax)
        draw_contacts(contacts_ax, share_ax, weeks, rep_weeks)
        draw_tactics(figure.add_subplot(grid[:, 1]), tactics)
    return figure


# --- the panels ---------------------------------------------------------------------------


def draw_contacts(ax: Axes, share_ax: Axes, weeks: list[date],
                  rep_weeks: list[RepWeek]) -> None:
    ax.set_title(f"Contacts logged per week, last {len(weeks)} weeks", fontsize=PANEL_PT,
                 loc="left")
    x = list(range(len(weeks)))
    ax.set_ylabel("Contacts", fontsize=LABEL_PT)
    ax.tick_params(labelsize=TICK_PT, labelbottom=False)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(-0.6, len(weeks) - 0.4)
    share_ax.set_xticks(x, [week_label(w, "\n") for w in weeks])  # 8 fit on two lines
    share_ax.set_xlabel("Week starting", fontsize=LABEL_PT)
    share_ax.tick_params(labelsize=TICK_PT)
    share_ax.spines[["top", "right"]].set_visible(False)
    share_ax.set_ylim(0, 1.3)  # room above a 100 % point for its label
    share_ax.set_yticks([0, 0.5, 1.0])
    share_ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    share_ax.set_title("Share of contacts that taught the rep something new",
                       fontsize=LABEL_PT, loc="left")
    if not any(r.contacts for r in rep_weeks):
        placeholder(ax, "No contacts logged in these weeks")
        return
    bands = rep_bands(weeks, rep_weeks)
    bottom = [0] * len(weeks)
    for (name, counts), colour in zip(bands, band_colours(bands), strict=True):
        ax.bar(x, counts, 0.7, bottom=bottom, color=colour, label=name,
               edgecolor="white", linewidth=0.5)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)
    handles, labels = ax.get_legend_handles_labels()
    # Top band first, as the stack reads from the top down.
    ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0),
              frameon=False, prop=FontProperties(family=font_families(), size=10))

    shares = learned_shares(weeks, rep_weeks)
    share_ax.plot(x, shares, color=LEARNED_COLOUR, marker="o", linewidth=2, markersize=5)
    for i, share in enumerate(shares):
        if not math.isnan(share):
            share_ax.annotate(f"{share:.0%}", (i, share), xytext=(0, 6),
                              textcoords="offset points", ha="center", fontsize=10)


def draw_tactics(ax: Axes, tactics: list[TacticRate]) -> None:
    ax.set_title("Revival rate by tactic", fontsize=PANEL_PT, loc="left")
    ax.set_xlabel("Prospects revived, share of tries", fontsize=LABEL_PT)
    ax.tick_params(labelsize=TICK_PT)
    ax.spines[["top", "right"]].set_visible(False)
    if not tactics:
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        placeholder(ax, "No tactic tried yet")
        return
    # The most tried make the cut (their rates mean the most); best rate drawn on top.
    shown = sorted(tactics, key=lambda t: (-t.tried, t.tactic))[:TACTICS_SHOWN]
    shown.sort(key=lambda t: (t.rate, t.tried))
    y = list(range(len(shown)))
    few = [t.tried < FEW_TRIES for t in shown]
    bars = ax.barh(y, [t.rate for t in shown], 0.7, color=TACTIC_COLOUR,
                   edgecolor=TACTIC_COLOUR, linewidth=1)
    for bar, is_few in zip(bars, few, strict=True):
        if is_few:
            bar.set_facecolor("white")
            bar.set_hatch("///")
    for row, tactic in zip(y, shown, strict=True):
        tries = "1 try" if tactic.tried == 1 else f"{tactic.tried} tries"
        ax.text(tactic.rate + 0.02, row, f"{tactic.rate:.0%} · {tries}", va="center",
                fontsize=10)
    ax.set_yticks(y, [tactic_label(t) for t in shown], fontfamily=font_families(),
                  fontsize=10 if len(shown) > 8 else TICK_PT, linespacing=1.1)
    # Below the lowest bar, an empty row for the legend: it then covers no bar or label.
    ax.set_ylim(-1.5 if any(few) else -0.6, len(shown) - 0.4)
    ax.set_xlim(0, 1.32)  # room right of a 100 % bar for its "100 % · 12 tries"
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.8)
    ax.set_axisbelow(True)
    if any(few):
        ax.legend(handles=[Patch(facecolor="white", edgecolor=TACTIC_COLOUR, hatch="///",
                                 label=f"fewer than {FEW_TRIES} tries")],
                  loc="lower right", fontsize=10, frameon=False)
    hidden = len(tactics) - len(shown)
    if hidden:  # in the axis label, so the layout makes room for it
        ax.set_xlabel(f"{ax.get_xlabel()}\n+ {hidden} less tried "
                      f"{'tactic' if hidden == 1 else 'tactics'} not shown", fontsize=LABEL_PT)


def empty_chart(figure: Figure, weeks: list[date]) -> None:
    ax = figure.add_subplot()
    ax.set_axis_off()
    since = f" since {week_label(weeks[0])}" if weeks else ""
    ax.text(0.5, 0.55, EMPTY_TEXT, ha="center", va="center", fontsize=22, color="#333333")
    ax.text(0.5, 0.40, f"This chart fills in as your team logs contacts{since}.",
            ha="center", va="center", fontsize=14, color="#666666")


def placeholder(ax: Axes, text: str) -> None:
    ax.set_yticks([])
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center",
            fontsize=13, color="#666666")


# --- the numbers, shaped for drawing --------------------------------------------------------


def shown_weeks(figures: ChartFigures) -> list[date]:
    weeks = sorted(set(figures.weeks) or {r.week_start for r in figures.rep_weeks})
    return weeks[-WEEKS_SHOWN:]


def rep_bands(weeks: list[date], rep_weeks: list[RepWeek]) -> list[tuple[str, list[int]]]:
    """(name, contacts per week) per band: the REPS_NAMED busiest reps, busiest at the
    bottom, then one band for everyone else."""
    index = {w: i for i, w in enumerate(weeks)}
    per_rep: dict[str, list[int]] = defaultdict(lambda: [0] * len(weeks))
    for row in rep_weeks:
        per_rep[row.rep][index[row.week_start]] += row.contacts
    ranked = sorted(per_rep.items(), key=lambda item: (-sum(item[1]), item[0]))
    bands = [(label(name, NAME_CHARS), counts) for name, counts in ranked if sum(counts)]
    if len(bands) > REPS_NAMED + 1:  # "1 other rep" would hide a name for nothing
        rest = bands[REPS_NAMED:]
        others = [sum(counts[i] for _, counts in rest) for i in range(len(weeks))]
        bands = [*bands[:REPS_NAMED], (f"{len(rest)} other reps", others)]
    return bands


def band_colours(bands: list[tuple[str, list[int]]]) -> list[str]:
    colours = list(REP_COLOURS[: min(len(bands), REPS_NAMED)])
    return colours + [OTHERS_COLOUR] * (len(bands) - len(colours))


def learned_shares(weeks: list[date], rep_weeks: list[RepWeek]) -> list[float]:
    """Per week, learned / contacts over the whole team; NaN (a gap) for a week with none."""
    contacts = {w: 0 for w in weeks}
    learned = {w: 0 for w in weeks}
    for row in rep_weeks:
        contacts[row.week_start] += row.contacts
        learned[row.week_start] += row.learned
    return [learned[w] / contacts[w] if contacts[w] else math.nan for w in weeks]


def tactic_label(tactic: TacticRate) -> str:
    """The tactic's name, and under it the situation it was tried in (if one)."""
    name = label(tactic.tactic, TACTIC_CHARS)
    return f"{name}\n{label(tactic.situation, TACTIC_CHARS)}" if tactic.situation else name


def week_label(day: date, sep: str = " ") -> str:
    return f"{day.day}{sep}{MONTHS[day.month - 1]}"


# --- text: any name, drawn as plain text ------------------------------------------------


def label(text: str, limit: int) -> str:
    """One line of plain text at most `limit` characters, every character drawable."""
    flat = " ".join(text.split())  # newlines and tabs would break the layout
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    drawable = covered_code_points()
    flat = "".join(c if ord(c) in drawable or c == " " else MISSING_GLYPH for c in flat)
    # A "$" pair would start mathtext (and a lone one can fail the draw): escape each.
    return flat.replace("$", r"\$")


@functools.cache
def font_families() -> tuple[str, ...]:
    installed = {font.name for font in fontManager.ttflist}
    return ("DejaVu Sans", *(f for f in FALLBACK_FAMILIES if f in installed))


@functools.cache
def covered_code_points() -> frozenset[int]:
    """Characters some installed family can draw. Others become MISSING_GLYPH ourselves:
    matplotlib would draw the same box but warn once per character, from any thread."""
    points: set[int] = set()
    for family in font_families():
        path = findfont(FontProperties(family=family), fallback_to_default=False)
        points.update(get_font(path).get_charmap())
    return frozenset(points)
