"""A CSV file's bytes → its header and rows. Pure: no Slack, no database, no clock.

What spreadsheets and CRMs really write:
- UTF-8 with or without a byte order mark; UTF-16 with one (Excel's "Unicode text", usually
  tab-separated); anything else that is not UTF-8 is read as Windows-1252, Latin-1's superset
  (Excel's "CSV" on Windows), which never fails.
- Comma, semicolon (Excel where the decimal mark is a comma) or tab between fields, sniffed
  from the file itself.
- Quoted fields holding commas, quotes and newlines; \\r\\n, \\n or \\r line ends.
- Control characters are taken out of every cell (tab and newline stay, as in a note).

Limits are refusals that say what to do: more than MAX_ROWS rows, a file over MAX_BYTES, a
workbook instead of a CSV, a field over the csv module's field size.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from bot.errors import UserError
from bot.imports.columns import unguard_cell
from bot.parsing.clean import clean_text

MAX_ROWS = 10_000
MAX_BYTES = 20 * 1024 * 1024  # 10,000 rows of a wide CRM export fit with room to spare
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
SNIFF_CHARS = 64 * 1024
SNIFF_RECORDS = 50
# Everything below space but tab, newline and carriage return (csv needs the line ends), DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


BINARY = (
    "That file holds binary data, not text. Export it from your CRM or spreadsheet as CSV "
    "and import that file."
)


class ImportRefused(UserError):
    """The file cannot be read at all; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Table:
    """A file read: its header, its rows (as many cells as the header), and how it was read."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_numbers: tuple[int, ...]  # each row's number as a spreadsheet shows it (header: 1)
    encoding: str
    delimiter: str

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES[self.delimiter]


def read_table(data: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    """The file's header and non-blank rows; ImportRefused when it cannot be used."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            f"That file is {len(data) / 1024 / 1024:.1f} MB; Revive imports files up to "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
        )
    text, encoding = decode(data)
    controls = len(_CONTROL.findall(text[:4096]))
    if controls > 8 and controls * 20 > len(text[:4096]):  # a stray NUL is not a binary file
        raise ImportRefused(BINARY)
    text = _CONTROL.sub("", text)
    delimiter = sniff_delimiter(text)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: tuple[str, ...] | None = None
    rows: list[tuple[str, ...]] = []
    numbers: list[int] = []
    number = 0
    try:
        for record in records:
            number += 1
            cells = [_cell(c) for c in record]
            if not any(cells):
                continue
            if headers is None:
                headers = tuple(c.lstrip("\ufeff") for c in cells)
                continue
            if len(rows) == max_rows:
                raise ImportRefused(
                    f"That file has more than {max_rows:,} rows; Revive imports at most "
                    f"{max_rows:,} at a time. Split it into smaller files and import each."
                )
            width = len(headers)
            rows.append(tuple(cells[:width]) + ("",) * (width - len(cells)))
            numbers.append(number)
    except csv.Error as error:
        raise ImportRefused(
            f"Row {number + 1} of that file can't be read as CSV ({error}). A quote that is "
            "never closed does this: fix that row, or save the file again as CSV."
        ) from None
    if headers is None:
        raise ImportRefused("That file is empty: there is no header row and no prospect.")
    return Table(headers, tuple(rows), tuple(numbers), encoding, delimiter)


def _cell(raw: str) -> str:
    return unguard_cell(clean_text(raw.replace("\r\n", "\n")).strip())


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was read in."""
    _refuse_binary(data)
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "UTF-8 (BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    sample = data[:4096]
    if sample.count(0) >= len(sample) // 4 > 0:
        return _utf16_without_bom(sample, data)
    for encoding, label in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252 (Latin-1)")):
        try:
            return data.decode(encoding), label
        except UnicodeDecodeError:
            continue  # the next guess: what Excel writes on Windows
    # One of the five bytes Windows-1252 leaves undefined: Latin-1 decodes every byte.
    return data.decode("latin-1"), "Latin-1"


def _refuse_binary(data: bytes) -> None:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            "That is an Excel workbook, not a CSV file. In Excel choose File → Save As → "
            "CSV UTF-8 (or export CSV from your CRM), then import that file."
        )
    if data.startswith(b"%PDF"):
        raise ImportRefused("That is a PDF, not a CSV file. Export CSV from your CRM instead.")


def _utf16_without_bom(sample: bytes, data: bytes) -> tuple[str, str]:
    """Mostly-ASCII UTF-16 has a NUL in every other byte: the even ones for big-endian."""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < len(sample) // 4:
        raise ImportRefused(BINARY)
    encoding = "utf-16-be" if even > odd else "utf-16-le"
    return data.decode(encoding, errors="replace"), "UTF-16"


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first records into the most rows as wide as the header
    (at least two columns); comma when none does."""
    sample = text[:SNIFF_CHARS]
    truncated = len(text) > SNIFF_CHARS
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        records = _sample_records(sample, delimiter, truncated)
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        score = (sum(len(r) == width for r in records), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _sample_records(sample: str, delimiter: str, truncated: bool) -> list[list[str]]:
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if any(cell.strip() for cell in record):
                records.append(record)
            if len(records) > SNIFF_RECORDS:
                break
    except csv.Error:
        return []
    if truncated and len(records) > 1 and len(records) <= SNIFF_RECORDS:
        records.pop()  # cut off by the sample
    return records[:SNIFF_RECORDS]
