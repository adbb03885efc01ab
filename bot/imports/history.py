"""Where the coach stood with a prospect, read back from Revive's own export. Pure.

Our CSV export carries, besides what describes a prospect, its Status, Next touch, Last
touch and Last learned, and for a walk-away the reason and the day, and whether they asked
not to be contacted. No CRM writes those columns: a file with any of them is our export,
its Status is Revive's own (not a CRM's deal stage), and each row comes back as it was.

What a rep expects of the dates (docs/import.md): a Next touch still ahead (or today) is
kept; one already past means the prospect is overdue, so it is due on the rep's next
workday from the import day on (bot.imports.apply). A row that can't come back as it was
needs attention instead: an unknown status, a walk-away without its reason, a prospect
who asked not to be contacted marked dormant, a Next touch on a prospect out of rotation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.domain import ProspectStatus, WalkAwayReason
from bot.imports import columns as col
from bot.imports.columns import ColumnMap
from bot.imports.situations import plain
from bot.usecases.adding import FAR_FUTURE, FAR_PAST, TEXT_MAX

# How a Status cell may name each status: our export writes the value; people write words.
STATUS_WORDS: dict[str, ProspectStatus] = {
    "dormant": ProspectStatus.DORMANT,
    "revived": ProspectStatus.REVIVED,
    "re engaged": ProspectStatus.REVIVED,
    "reengaged": ProspectStatus.REVIVED,
    "won": ProspectStatus.WON,
    "walked away": ProspectStatus.WALKED_AWAY,
}
REASON_WORDS: dict[str, WalkAwayReason] = {plain(r.value): r for r in WalkAwayReason}
YES_WORDS = frozenset({"yes", "y", "true", "1", "x"})
NO_WORDS = frozenset({"", "no", "n", "false", "0"})
STATUSES_SAID = "dormant, revived, won or walked_away"
REASONS_SAID = ", ".join(r.value for r in WalkAwayReason)


@dataclass(frozen=True, slots=True)
class History:
    """What our export said of where a prospect stands (what an import gives back)."""

    status: ProspectStatus
    next_touch: date | None = None  # dormant only; None: the coach picks the first day
    last_touch: date | None = None
    last_learned: str | None = None
    walk_away_reason: WalkAwayReason | None = None  # walked away only
    walked_away_on: date | None = None  # walked away only; None: the import day
    do_not_contact: bool = False


def is_ours(columns: ColumnMap) -> bool:
    """The file is Revive's own export: it has a column only Revive writes."""
    return any(columns.has(field) for field in col.HISTORY_FIELDS)


def read_history(
    first: Callable[[str], str], dates: Mapping[str, date], today: date, problems: list[str]
) -> History | None:
    """The row's history (None when its Status can't be read); each problem appended."""
    status_cell = first(col.STATUS)
    status = STATUS_WORDS.get(plain(status_cell)) if status_cell else ProspectStatus.DORMANT
    if status is None:
        problems.append(f"Status '{status_cell}' is not one Revive knows ({STATUSES_SAID})")
        return None
    said = len(problems)
    do_not_contact = _flag(first(col.DO_NOT_CONTACT), problems)
    reason = _walk_away(status, first(col.WALK_AWAY_REASON), problems)
    walked_on = dates.get(col.WALKED_AWAY_ON)
    if walked_on is not None and status is not ProspectStatus.WALKED_AWAY:
        problems.append(f"Walked away on: a {_words(status)} prospect has not walked away; "
                        "clear the cell or set Status to walked_away")  # fmt: skip
    elif walked_on is not None and walked_on > today:
        problems.append(f"Walked away on: {walked_on:%B %-d, %Y} is after today")
    do_not_contact = do_not_contact or reason is WalkAwayReason.DO_NOT_CONTACT
    if do_not_contact and status is ProspectStatus.DORMANT:
        problems.append("Do not contact: they asked not to be contacted, so they can't be "
                        "dormant again; set Status to walked_away (reason do_not_contact)")
    next_touch = dates.get(col.NEXT_TOUCH)
    if next_touch is not None and status is not ProspectStatus.DORMANT:
        problems.append(f"Next touch: a {_words(status)} prospect has none, only a dormant "
                        "one; clear the cell or set Status to dormant")  # fmt: skip
    elif next_touch is not None and next_touch > today + FAR_FUTURE:
        problems.append(f"Next touch: {next_touch:%B %-d, %Y} is too far away; check the year")
    last_touch = dates.get(col.LAST_TOUCH)
    if last_touch is not None and not today - FAR_PAST <= last_touch <= today:
        when = "is after today" if last_touch > today else "is too long ago; check the year"
        problems.append(f"Last touch: {last_touch:%B %-d, %Y} {when}")
    learned = first(col.LAST_LEARNED) or None
    if learned is not None and len(learned) > TEXT_MAX:
        problems.append(f"Last learned: keep this under {TEXT_MAX} characters")
    if len(problems) > said:
        return None
    return History(status, next_touch, last_touch, learned, reason, walked_on, do_not_contact)


def _flag(cell: str, problems: list[str]) -> bool:
    word = plain(cell)
    if word in YES_WORDS:
        return True
    if word not in NO_WORDS:
        problems.append(f"Do not contact '{cell}': write yes, or leave it empty")
    return False


def _walk_away(status: ProspectStatus, cell: str, problems: list[str]) -> WalkAwayReason | None:
    """The walk-away's reason: required of a walked-away row, refused on any other."""
    if status is not ProspectStatus.WALKED_AWAY:
        if cell:
            problems.append(f"Walk-away reason: a {_words(status)} prospect has not walked "
                            "away; clear the cell or set Status to walked_away")  # fmt: skip
        return None
    if not cell:
        problems.append(f"Status walked_away needs a Walk-away reason ({REASONS_SAID})")
        return None
    reason = REASON_WORDS.get(plain(cell))
    if reason is None:
        problems.append(f"Walk-away reason '{cell}' is not one Revive knows ({REASONS_SAID})")
    return reason


def _words(status: ProspectStatus) -> str:
    return {ProspectStatus.REVIVED: "revived", ProspectStatus.WON: "won",
            ProspectStatus.WALKED_AWAY: "walked-away"}.get(status, "dormant")  # fmt: skip
