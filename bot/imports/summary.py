"""What people read of an import: the preview's numbers and first problems, and the CSV
report of every row not imported (with why, and its cells as they were)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from bot.domain import ProspectStatus
from bot.imports.columns import guard_cell
from bot.imports.history import is_ours
from bot.imports.plan import ImportPlan

PROBLEMS_SHOWN = 5  # rows needing attention listed in a preview; the report has them all
STATUS_WORDS = {ProspectStatus.DORMANT: "dormant", ProspectStatus.REVIVED: "revived",
                ProspectStatus.WON: "won", ProspectStatus.WALKED_AWAY: "walked away"}


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What a preview (or the answer to Import) says: plain values for the blocks and CLI."""

    rows: int
    ready: int
    attention: int
    on_file: int
    in_file: int
    problems: tuple[tuple[int, str], ...]  # the first few (row, why)
    owners: tuple[tuple[str, int], ...]  # a manager's import: who gets how many
    ignored: tuple[str, ...]
    date_note: str | None
    encoding: str
    delimiter: str
    history_note: str | None = None  # our own export: each row comes back where it stood

    @property
    def skipped(self) -> int:
        return self.attention + self.on_file + self.in_file


def summarize(plan: ImportPlan) -> ImportSummary:
    parsed, table = plan.parsed, plan.parsed.table
    attention = plan.attention
    return ImportSummary(
        rows=len(table.rows),
        ready=len(plan.ready),
        attention=len(attention),
        on_file=len(plan.on_file),
        in_file=len(plan.in_file),
        problems=tuple((r.candidate.row, r.skipped or "") for r in attention[:PROBLEMS_SHOWN]),
        owners=tuple(plan.owner_counts()) if plan.owners_read else (),
        ignored=parsed.columns.ignored,
        date_note=parsed.reading.note(),
        encoding=table.encoding,
        delimiter=table.delimiter_name,
        history_note=history_note(plan),
    )


def history_note(plan: ImportPlan) -> str | None:
    """For Revive's own export: that its rows keep their status, and how many of each."""
    if not is_ours(plan.parsed.columns):
        return None
    counts = Counter(r.candidate.history.status for r in plan.ready if r.candidate.history)
    said = ", ".join(f"{counts[s]:,} {word}" for s, word in STATUS_WORDS.items() if counts[s])
    return ("A Revive export: each prospect comes back where it stood (status, next touch, "
            "last touch, walk-aways)" + (f": {said}." if said else "."))


def preview_lines(summary: ImportSummary) -> list[str]:
    """The preview as plain lines (the CLI prints them; Slack's blocks say the same)."""
    lines = [
        f"Rows read: {summary.rows:,} ({summary.encoding}, {summary.delimiter}-separated)",
        f"Ready to import: {summary.ready:,}",
    ]
    lines += [f"  for {label}: {count:,}" for label, count in summary.owners]
    lines.append(f"Need attention: {summary.attention:,}")
    lines += [f"  row {row}: {why}" for row, why in summary.problems]
    lines.append(f"Already on file: {summary.on_file:,}")
    lines.append(f"Twice in the file: {summary.in_file:,}")
    if summary.ignored:
        lines.append("Columns ignored: " + ", ".join(summary.ignored))
    if summary.date_note:
        lines.append(summary.date_note)
    if summary.history_note:
        lines.append(summary.history_note)
    return lines


REPORT_HEADERS = ("Row", "Why not imported")


def report_csv(plan: ImportPlan) -> bytes:
    """Every row not imported, with why and its cells as they were: fix them, import again
    (Row and Why are not columns an import reads). UTF-8 with a BOM, for Excel."""
    table = plan.parsed.table
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*REPORT_HEADERS, *(guard_cell(h) for h in table.headers)])
    for row in plan.rows:
        if row.skipped is not None:
            cells = table.rows[row.candidate.index]
            writer.writerow([row.candidate.row, guard_cell(row.skipped),
                             *(guard_cell(c) for c in cells)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
