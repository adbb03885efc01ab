"""The CSV import's surfaces: the upload modal, the preview DM with Import / Cancel, and the
answer once imported. Pure: plain values in (bot.imports.summary.ImportSummary), dicts out."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import ids
from bot.blocks.state import Values, element_state
from bot.imports.reader import MAX_ROWS
from bot.imports.summary import ImportSummary
from bot.mrkdwn import escape, md, plain, truncate
from bot.parsing.dates import format_date

TITLE = "Import prospects"
# Slack's file_input takes extensions. Excel's "Unicode text" (UTF-16, tabs) saves as .txt.
FILETYPES = ["csv", "tsv", "txt"]
DATE_CHOICES = (
    ("auto", "Work it out from the file"),
    ("mdy", "Month first (US): 03/04 is March 4"),
    ("dmy", "Day first: 03/04 is April 3"),
)
LINE_MAX = 300  # one problem line in a preview


def import_modal() -> dict[str, Any]:
    """The modal `/revive import` opens: a file, and how its dates read."""
    intro = (
        "Upload a CSV exported from HubSpot, Salesforce, Pipedrive, a spreadsheet or Revive "
        f"itself, up to {MAX_ROWS:,} rows. You'll get a preview first: nothing is added "
        "until you press *Import*."
    )
    return {
        "type": "modal",
        "callback_id": ids.IMPORT_MODAL,
        "title": plain(TITLE, 24),
        "submit": plain("Preview", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            {"type": "section", "text": md(intro)},
            {
                "type": "input",
                "block_id": ids.IN_IMPORT_FILE,
                "label": plain("CSV file", 2000),
                "element": {
                    "type": "file_input",
                    "action_id": ids.IN_IMPORT_FILE,
                    "filetypes": FILETYPES,
                    "max_files": 1,
                },
            },
            {
                "type": "input",
                "block_id": ids.IN_IMPORT_DATES,
                "optional": True,
                "label": plain("Dates like 03/04/2026", 2000),
                "element": {
                    "type": "static_select",
                    "action_id": ids.IN_IMPORT_DATES,
                    "initial_option": _option(*DATE_CHOICES[0]),
                    "options": [_option(value, text) for value, text in DATE_CHOICES],
                },
            },
        ],
    }


def _option(value: str, text: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def read_import_form(values: Values) -> ids.ImportValue | None:
    """The file picked and the date order; None when no file came with the submission."""
    files = element_state(values, ids.IN_IMPORT_FILE).get("files")
    first = files[0] if isinstance(files, list) and files else None
    file_id = first.get("id") if isinstance(first, dict) else None
    if not isinstance(file_id, str) or not file_id:
        return None
    option = element_state(values, ids.IN_IMPORT_DATES).get("selected_option") or {}
    dates = option.get("value") if isinstance(option, dict) else None
    return ids.ImportValue(file_id, dates if dates in ids.IMPORT_DATE_ORDERS else "auto")


def _counts(summary: ImportSummary) -> str:
    lines = [f"*{summary.ready:,}* ready to import"]
    lines += [f"    {escape(label)}: {count:,}" for label, count in summary.owners]
    lines.append(f"*{summary.attention:,}* need attention")
    lines += [f"    row {row}: {escape(truncate(why, LINE_MAX))}" for row, why in summary.problems]
    if summary.attention > len(summary.problems):
        lines.append(f"    … and {summary.attention - len(summary.problems):,} more")
    lines.append(f"*{summary.on_file:,}* already on file")
    lines.append(f"*{summary.in_file:,}* twice in the file")
    return "\n".join(lines)


def _details(summary: ImportSummary) -> list[dict[str, Any]]:
    details = [f"Read as {summary.encoding}, {summary.delimiter}-separated."]
    if summary.history_note:
        details.append(summary.history_note)
    if summary.ignored:
        details.append("Columns ignored: " + escape(", ".join(summary.ignored)))
    blocks: list[dict[str, Any]] = []
    if summary.date_note:
        blocks.append({"type": "section", "text": md(":calendar: " + escape(summary.date_note))})
    blocks.append({"type": "context", "elements": [md(truncate(" ".join(details), 2000))]})
    return blocks


def preview_message(
    name: str, summary: ImportSummary, value: ids.ImportValue
) -> tuple[str, list[dict[str, Any]]]:
    """The preview DM: counts, the first problems, and Import N ready / Cancel."""
    text = (
        f"{escape(name)}: {summary.rows:,} rows read, {summary.ready:,} ready to import, "
        f"{summary.skipped:,} not."
    )
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": md(f"*Import preview — {escape(name)}*: "
                                       f"{summary.rows:,} rows read")},
        {"type": "section", "text": md(_counts(summary))},
        *_details(summary),
    ]
    buttons: list[dict[str, Any]] = []
    if summary.ready:
        buttons.append(
            {
                "type": "button",
                "action_id": ids.IMPORT_CONFIRM,
                "style": "primary",
                "text": plain(f"Import {summary.ready:,} ready"),
                "value": ids.encode_import_value(value),
            }
        )
    buttons.append(
        {"type": "button", "action_id": ids.IMPORT_CANCEL, "text": plain("Cancel"),
         "value": "cancel"}
    )
    blocks.append({"type": "actions", "block_id": ids.IMPORT_CONFIRM, "elements": buttons})
    return text, blocks


def done_message(
    name: str, summary: ImportSummary, added: int, first_due: date | None, today: date
) -> tuple[str, list[dict[str, Any]]]:
    """What the preview becomes once imported."""
    text = f"Imported {added:,} of {summary.rows:,} rows from {escape(name)}."
    lines = [f":white_check_mark: *{text}*"]
    if first_due is not None:
        when = "today" if first_due == today else format_date(first_due, today)
        lines.append(f"The coach set each one's first date; the earliest is {when}.")
    if summary.skipped:
        lines.append(
            f"{summary.skipped:,} not imported ({summary.attention:,} need attention, "
            f"{summary.on_file:,} already on file, {summary.in_file:,} twice in the file): "
            "the report below lists each row with why. Fix them in it and import it again."
        )
    return text, [{"type": "section", "text": md("\n".join(lines))}]


def already_text(name: str, summary: ImportSummary) -> str:
    return (
        f"Already imported: nothing in {escape(name)} is new. {summary.on_file:,} of its rows "
        "are on file."
    )


CANCELLED = "Import cancelled: nothing was added."
