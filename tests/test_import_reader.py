"""bot.imports.reader: bytes → header and rows, whatever the encoding, delimiter or quoting.

The property: any table the csv module writes — in UTF-8 with or without a BOM, UTF-16 or
Windows-1252, separated by commas, semicolons or tabs, with \\r\\n or \\n — reads back as
the same cells.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.imports.columns import HEADERS, header_key, map_columns
from bot.imports.reader import MAX_ROWS, ImportRefused, read_table, sniff_delimiter

HEADER = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz -_", min_size=1,
                 max_size=20).map(str.strip).filter(bool)
CELL = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
        st.sampled_from(',;"\t\n\''),
    ),
    max_size=30,
).map(str.strip)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252")


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    width = draw(st.integers(min_value=2, max_value=6))
    headers = draw(st.lists(HEADER, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=12))
    return headers, [row for row in rows if any(row)]


def written(headers: list[str], rows: list[list[str]], delimiter: str, newline: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(
    table=tables(),
    delimiter=st.sampled_from([",", ";", "\t"]),
    newline=st.sampled_from(["\r\n", "\n"]),
    encoding=st.sampled_from(ENCODINGS),
)
def test_any_csv_reads_back_as_written(
    table: tuple[list[str], list[list[str]]], delimiter: str, newline: str, encoding: str
) -> None:
    headers, rows = table
    text = written(headers, rows, delimiter, newline)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
        return
    if encoding == "cp1252":  # what is also valid UTF-8 is read as UTF-8, rightly
        assume(data.isascii() or not _utf8(data))
    read = read_table(data)
    assert read.delimiter == delimiter
    assert list(read.headers) == headers
    assert [list(r) for r in read.rows] == [[_unguarded(c) for c in row] for row in rows]


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _unguarded(cell: str) -> str:
    """The importer takes the exporter's formula guard off: one ' before = + - @."""
    return cell[1:] if cell.startswith("'") and cell.lstrip("'")[:1] in ("=", "+", "-", "@") \
        else cell


@settings(max_examples=100, deadline=None)
@given(table=tables(), delimiter=st.sampled_from([",", ";", "\t"]))
def test_the_delimiter_is_the_one_the_file_uses(
    table: tuple[list[str], list[list[str]]], delimiter: str
) -> None:
    assert sniff_delimiter(written(*table, delimiter, "\r\n")) == delimiter


# --- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + "Name;Company\nZoë;Köhler\n".encode(), "UTF-8 (BOM)"),
        ("Name,Company\nZoë,Köhler\n".encode(), "UTF-8"),
        ("Name\tCompany\r\nZoë\tKöhler\r\n".encode("utf-16"), "UTF-16"),
        ("Name\tCompany\r\nZoë\tKöhler\r\n".encode("utf-16-be"), "UTF-16"),  # no BOM
        ("Name,Company\nZoë,Köhler\n".encode("cp1252"), "Windows-1252 (Latin-1)"),
        (b"Name,Company\nZo\x81,K\xf6hler\n", "Latin-1"),  # 0x81: undefined in cp1252
    ],
)
def test_each_encoding_is_recognised(data: bytes, encoding: str) -> None:
    table = read_table(data)
    assert table.encoding == encoding
    assert table.headers == ("Name", "Company")
    assert table.rows[0][1] == "Köhler"


def test_control_characters_are_cleaned_and_line_breaks_kept() -> None:
    data = b'Name,Note\r\n"Da\x00na\x07","one\r\ntwo\x1b"\r\n'
    table = read_table(data)
    assert table.rows == (("Dana", "one\ntwo"),)


def test_blank_rows_are_skipped_and_row_numbers_kept() -> None:
    data = b'Name,Note\n\nDana,"two\nlines"\n,\nSam,x\n'
    table = read_table(data)
    assert [r[0] for r in table.rows] == ["Dana", "Sam"]
    assert table.row_numbers == (3, 5)  # as a spreadsheet numbers them; the header is 1


def test_short_and_long_rows_fit_the_header() -> None:
    table = read_table(b"A,B,C\n1\n1,2,3,4\n")
    assert table.rows == (("1", "", ""), ("1", "2", "3"))


def test_the_row_limit_is_refused_naming_it() -> None:
    ok = "Name,Company\n" + "P,C\n" * MAX_ROWS
    assert len(read_table(ok.encode()).rows) == MAX_ROWS
    with pytest.raises(ImportRefused, match="more than 10,000 rows"):
        read_table((ok + "P,C\n").encode())


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04" + bytes(100), "Excel workbook"),
        (b"\xd0\xcf\x11\xe0" + bytes(100), "Excel workbook"),
        (b"%PDF-1.7", "PDF"),
        (bytes(range(256)) * 20, "binary"),
        (b"", "empty"),
        (b"\n\n,,\n", "empty"),
    ],
)
def test_what_is_not_a_csv_is_refused_in_words(data: bytes, words: str) -> None:
    with pytest.raises(ImportRefused, match=words):
        read_table(data)


def test_an_unclosed_quote_is_refused_naming_the_row() -> None:
    data = b"Name,Note\nDana,ok\nSam,\"" + b"x" * 200_000 + b"\n"
    with pytest.raises(ImportRefused, match="Row 3"):
        read_table(data)


# --- the header table --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Deal - Lost reason", "lost_reason"),
        ("deal lost reason", "lost_reason"),
        ("DEAL_LOST_REASON", "lost_reason"),
        ("Person - Name", "name"),
        ("Organization - Name", "company"),
        ("Company Name", "company"),
        ("Account Name", "company"),
        ("Closed Lost Reason", "lost_reason"),
        ("Loss Reason", "lost_reason"),
        ("Last Activity Date", "last_activity"),
        ("Contact owner", "owner"),
        ("Owner Name", "owner"),
        ("Deal - Owner", "owner"),
        ("Deal - Lost time", "decision_date"),
        ("Stated reason", "stated_reason"),
        ("Proposal sent", "proposal_sent_on"),
        ("e-mail", "email"),
    ],
)
def test_headers_match_whatever_their_case_spacing_and_punctuation(
    header: str, field: str
) -> None:
    assert map_columns([header]).fields == {field: (0,)}


def test_unknown_headers_are_ignored_and_repeated_fields_keep_file_order() -> None:
    columns = map_columns(["Lead Status", "Record ID", "Deal Stage", "", "Create Date"])
    assert columns.fields == {"status": (0, 2)}
    assert columns.ignored == ("Record ID", "Create Date")
    assert header_key(" Deal – Stage ") == "dealstage"


def test_the_import_guide_lists_every_header_revive_knows() -> None:
    guide = (Path(__file__).parents[1] / "docs" / "import.md").read_text()
    columns = guide.split("### Columns", 1)[1].split("\n### ", 1)[0]
    missing = [f"{source}: {header}" for source, header, _ in HEADERS
               if f" {header} " not in columns.replace("|", " ").replace(",", " ")
               .replace("+", " ")]
    assert missing == []
