"""The daily totals behind the team numbers: per rep, each day's contacts, learned and tries
per tactic × situation, counted by the coach (`numbers.Verdicts`) and kept in
`team_day_totals`, with one more row per rep and whole calendar month (`days` > 1: the sum
of its days) so a quarter reads ≈ 150 rows, not 4,600.

A cache that checks itself. Each read takes every day's signature from the touches' index
(how many touches, the highest id, the sum of ids: no row is read) and compares it with the
stored one; a month's signature is its days' together. A month that matches is used as it
is; otherwise its days are, and a day that does not match (or was never stored) is counted
again from its touches. What was counted again is stored, so the next read finds it. A
touch written by any path (a click, an import, a restore) changes its day's signature, so
nothing has to be written beside each touch; touches are never updated in place.
"""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Date, case, func, literal, or_, select
from sqlalchemy.orm import Session

from bot.team.numbers import Period, Verdicts
from store.models import TeamDayTotal, Touch

Signature = tuple[int, int, int]  # touches, highest id, sum of ids
Key = tuple[int, date]  # rep id, day (a month: its first day)
DAY = 1


@dataclass
class DayCounts:
    """One rep's day (or month): what a team_day_totals row holds. `tries` is keyed
    "tactic_id situation" (neither holds a space), as stored."""

    contacts: int = 0
    learned: int = 0
    tries: dict[str, int] = field(default_factory=dict)

    def add(self, other: DayCounts) -> None:
        self.contacts += other.contacts
        self.learned += other.learned
        for pair, count in other.tries.items():
            self.tries[pair] = self.tries.get(pair, 0) + count


def rep_days(
    session: Session, workspace_id: int, rep_ids: list[int], period: Period
) -> dict[int, list[DayCounts]]:
    """Each rep's counts over the period, as whole months and single days."""
    months = whole_months(period)
    # SQLite's index hands the (rep, day) groups over in order, so adding months up here is
    # cheaper; PostgreSQL groups faster than it sends 4,600 rows, so it adds them up.
    by_day = session.get_bind().dialect.name == "sqlite"
    signatures = touch_signatures(session, rep_ids, [(period.start, period.end)],
                                  {} if by_day else months)  # fmt: skip
    month_signatures = (combined(signatures, months) if by_day
                        else {key: sig for key, sig in signatures.items() if key[1] in months})
    stored_months = stored_rows(session, rep_ids, [(first, first) for first in months], months)
    found = {key: counts for key, (signature, counts) in stored_months.items()
             if month_signatures.get(key) == signature}  # fmt: skip
    day_signatures = signatures if by_day else {
        key: sig for key, sig in signatures.items() if key[1] not in months}  # fmt: skip
    redo = {first for (rep_id, first) in month_signatures if (rep_id, first) not in found}
    if redo and not by_day:  # those months' days, one by one
        ranges = [(first, first + timedelta(days=months[first] - 1)) for first in sorted(redo)]
        day_signatures.update(touch_signatures(session, rep_ids, ranges, {}))
    wanted = {key: sig for key, sig in day_signatures.items()
              if (key[0], month_of(key[1], months)) not in found}  # fmt: skip
    days = checked_days(session, workspace_id, rep_ids, wanted)
    new_months = monthly(days, months)
    save_rows(session, workspace_id, {key: (month_signatures[key], counts)
                                      for key, counts in new_months.items()}, months)  # fmt: skip
    by_rep: dict[int, list[DayCounts]] = defaultdict(list)
    for (rep_id, _first), counts in [*found.items(), *new_months.items()]:
        by_rep[rep_id].append(counts)
    for (rep_id, day), counts in days.items():
        if month_of(day, months) is None:
            by_rep[rep_id].append(counts)
    return by_rep


def checked_days(
    session: Session, workspace_id: int, rep_ids: list[int], wanted: Mapping[Key, Signature]
) -> dict[Key, DayCounts]:
    """These rep-days from their stored rows, the stale or missing ones counted again."""
    if not wanted:
        return {}
    stored = stored_rows(session, rep_ids, day_ranges({day for _rep, day in wanted}), {})
    stale = [key for key, signature in wanted.items()
             if key not in stored or stored[key][0] != signature]  # fmt: skip
    found = {key: stored[key][1] for key in wanted if key not in stale}
    if stale:
        fresh = recount(session, stale)
        save_rows(session, workspace_id, fresh, {})
        found.update({key: counts for key, (_signature, counts) in fresh.items()})
    return found


def whole_months(period: Period) -> dict[date, int]:
    """The calendar months entirely inside the period: first day → number of days."""
    months: dict[date, int] = {}
    first = period.start.replace(day=1)
    if first < period.start:
        first = _next_month(first)
    while True:
        length = monthrange(first.year, first.month)[1]
        if first + timedelta(days=length - 1) > period.end:
            return months
        months[first] = length
        first = _next_month(first)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def month_of(day: date, months: Mapping[date, int]) -> date | None:
    first = day.replace(day=1)
    return first if first in months else None


def monthly(days: Mapping[Key, DayCounts], months: Mapping[date, int]) -> dict[Key, DayCounts]:
    """Whole months summed from their days (only months whose days were read here)."""
    found: dict[Key, DayCounts] = {}
    for (rep_id, day), counts in days.items():
        first = month_of(day, months)
        if first is not None:
            found.setdefault((rep_id, first), DayCounts()).add(counts)
    return found


def combined(
    signatures: Mapping[Key, Signature], months: Mapping[date, int]
) -> dict[Key, Signature]:
    """Each rep's whole months' signatures: their days' together."""
    found: dict[Key, Signature] = {}
    for (rep_id, day), (count, top, total) in signatures.items():
        first = month_of(day, months)
        if first is None:
            continue
        seen = found.get((rep_id, first), (0, 0, 0))
        found[(rep_id, first)] = (seen[0] + count, max(seen[1], top), seen[2] + total)
    return found


def day_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Runs of consecutive days, for a short WHERE."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(days):
        if ranges and ranges[-1][1] + timedelta(days=1) >= day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def touch_signatures(
    session: Session,
    rep_ids: list[int],
    ranges: list[tuple[date, date]],
    months: Mapping[date, int],
) -> dict[Key, Signature]:
    """Each rep-day's signature in these ranges, from the index alone; a day of one of
    `months` counts towards its month's (keyed by its first day) instead."""
    t = Touch.__table__.c
    key: ColumnElement[date] = t.touched_on
    if months:
        key = case(
            *((t.touched_on.between(first, first + timedelta(days=length - 1)),
               literal(first, Date)) for first, length in months.items()),
            else_=t.touched_on,
        )  # fmt: skip
    keyed = key.label("key")
    rows = session.execute(
        select(t.rep_id, keyed, func.count(), func.max(t.id), func.sum(t.id))
        .where(t.rep_id.in_(rep_ids), or_(*(t.touched_on.between(a, b) for a, b in ranges)))
        .group_by(t.rep_id, keyed)
    )
    return {(rep_id, day): (count, top, int(total)) for rep_id, day, count, top, total in rows}


def stored_rows(
    session: Session,
    rep_ids: list[int],
    ranges: list[tuple[date, date]],
    months: Mapping[date, int],
) -> dict[Key, tuple[Signature, DayCounts]]:
    """Stored rows starting in these ranges: whole months (`months` given) or single days."""
    if not ranges:
        return {}
    d = TeamDayTotal.__table__.c
    span = d.days > DAY if months else d.days == DAY
    rows = session.execute(
        select(
            *(d.rep_id, d.day, d.days, d.touches, d.max_touch_id, d.touch_id_sum),
            *(d.contacts, d.learned, d.tries),
        ).where(
            d.rep_id.in_(rep_ids), span, or_(*(d.day.between(a, b) for a, b in ranges))
        )
    )
    return {
        (rep_id, day): ((touches, top, int(total)), DayCounts(contacts, learned, tries))
        for rep_id, day, days, touches, top, total, contacts, learned, tries in rows
        if not months or months.get(day) == days
    }


def recount(session: Session, keys: Iterable[Key]) -> dict[Key, tuple[Signature, DayCounts]]:
    """Count these rep-days again from their touches, with the coach's verdicts."""
    wanted = set(keys)
    t = Touch.__table__.c
    rows = session.execute(
        select(t.rep_id, t.touched_on, t.id, t.tactic_id, t.situation, t.outcome, t.learned)
        .where(
            t.rep_id.in_({rep_id for rep_id, _day in wanted}),
            or_(*(t.touched_on.between(a, b) for a, b in day_ranges(d for _r, d in wanted))),
        )
    )
    verdicts = Verdicts()
    counted: dict[Key, tuple[list[int], DayCounts]] = {}
    for rep_id, day, touch_id, tactic, situation, outcome, text in rows:
        if (rep_id, day) not in wanted:
            continue
        ids, counts = counted.setdefault((rep_id, day), ([], DayCounts()))
        ids.append(touch_id)
        contact, learned = verdicts.of(tactic, outcome, day, text)
        if contact:
            counts.contacts += 1
            counts.learned += learned
            pair = f"{tactic} {situation}"
            counts.tries[pair] = counts.tries.get(pair, 0) + 1
    return {key: ((len(ids), max(ids), sum(ids)), counts)
            for key, (ids, counts) in counted.items()}  # fmt: skip


def save_rows(
    session: Session,
    workspace_id: int,
    rows: Mapping[Key, tuple[Signature, DayCounts]],
    months: Mapping[date, int],
) -> None:
    """Insert or replace day rows (or, with `months`, month rows), in key order so two
    readers saving at once never deadlock."""
    if not rows:
        return
    values = [
        {"rep_id": rep_id, "day": day, "days": months.get(day, DAY) if months else DAY,
         "workspace_id": workspace_id, "touches": touches, "max_touch_id": top,
         "touch_id_sum": total, "contacts": counts.contacts, "learned": counts.learned,
         "tries": counts.tries}
        for (rep_id, day), ((touches, top, total), counts) in sorted(rows.items())
    ]  # fmt: skip
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(TeamDayTotal)
    replaced = ("workspace_id", "touches", "max_touch_id", "touch_id_sum", "contacts",
                "learned", "tries")  # fmt: skip
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["rep_id", "day", "days"],
            set_={name: statement.excluded[name] for name in replaced},
        ),
        values,
    )
