"""End to end through Slack: the file `/revive export` DMs a rep, imported with `/revive
import` into a fresh Revive (an empty database, the same Slack), and exported there again,
is the same file: every status, date, walk-away and do-not-contact came back.

On SQLite and PostgreSQL: the second app runs on a database of the same kind.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.domain import ProspectStatus
from bot.imports.columns import EXPORT_HEADERS
from store.models import Prospect
from tests.conftest import LiveApp, serve_app
from tests.databases import postgres_schema_url, sqlite_url
from tests.export_seed import NOW, seed_every_status, seed_pipeline
from tests.fakeslack import blocks_text
from tests.importing import click_import, submit
from tests.test_export_slack import export


@contextmanager
def fresh_revive(live: LiveApp, tmp_path: Path) -> Iterator[LiveApp]:
    """A second Revive on an empty database of the same kind, talking to the same Slack."""
    if live.settings.database_url.startswith("postgresql"):
        with postgres_schema_url() as url:
            yield from serve_app(url, live.fake, live.clock)
    else:
        (tmp_path / "fresh").mkdir()
        yield from serve_app(sqlite_url(tmp_path / "fresh"), live.fake, live.clock)


def exported_file(live: LiveApp, user: str) -> bytes:
    """/revive export as `user`: the CSV file it DMed them."""
    before = set(live.fake.files)
    assert "Sent your" in export(live, user)
    [new] = [f for i, f in live.fake.files.items() if i not in before]
    assert new.filename.startswith("revive-prospects-") and new.content is not None
    return new.content


def test_an_exported_file_imported_into_a_fresh_revive_exports_the_same(
    live_any_db: LiveApp, tmp_path: Path
) -> None:
    live = live_any_db
    seed_pipeline(live.sessions)
    seed_every_status(live.sessions)
    live.clock.set(NOW + timedelta(days=1))  # the day of the seed's last touches
    data = exported_file(live, "U1")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(EXPORT_HEADERS)
    for status in ProspectStatus:
        assert f",{status.value}," in text

    with fresh_revive(live, tmp_path) as fresh:
        file = fresh.fake.add_user_file("revive-prospects.csv", data, user="U1")
        message = submit(fresh, file)
        rows = len(list(csv.DictReader(io.StringIO(text, newline=""))))
        assert f"*{rows}* ready to import" in blocks_text(message.blocks)
        assert "*0* need attention" in blocks_text(message.blocks)
        assert ("A Revive export: each prospect comes back where it stood (status, next touch, "
                "last touch, walk-aways): 5 dormant, 1 revived, 3 won, 2 walked away."
                ) in blocks_text(message.blocks)
        before = len(fresh.fake.responses)
        click_import(fresh, message)
        answer = fresh.fake.wait_for_response(before + 1)[-1]
        assert answer.body["text"].startswith(f"Imported {rows} of {rows} rows")
        with fresh.session() as session:
            statuses = {p.name: (p.status, p.do_not_contact) for p in session.scalars(
                select(Prospect))}
        assert statuses["Nina Sky"] == ("walked_away", True)
        assert statuses["Rita Gold"] == ("revived", False)
        assert exported_file(fresh, "U1") == data
    assert live.fake.validation_errors == [] and live.fake.warnings == []


def test_an_edited_export_imported_days_later_through_slack(live: LiveApp, tmp_path: Path) -> None:
    """Imported on Saturday, November 28: a Next touch already past is due on Monday; a
    walk-away whose reason was cleared in the spreadsheet needs attention, saying why."""
    seed_pipeline(live.sessions)
    seed_every_status(live.sessions)
    live.clock.set(NOW + timedelta(days=1))
    text = exported_file(live, "U1").decode("utf-8-sig")
    edited = text.replace(",walked_away,,,,said_no_final,", ",walked_away,,,,,")
    assert edited != text
    live.clock.set(datetime(2026, 11, 28, 15, 0, tzinfo=UTC))

    with fresh_revive(live, tmp_path) as fresh:
        data = ("\ufeff" + edited).encode("utf-8")
        message = submit(fresh, fresh.fake.add_user_file("edited.csv", data, user="U1"))
        said = blocks_text(message.blocks)
        assert "*1* need attention" in said
        assert "Status walked_away needs a Walk-away reason" in said
        click_import(fresh, message)
        fresh.fake.wait_for("files.completeUploadExternal", 2)  # the export, then the report
        with fresh.session() as session:
            due = {p.name: p.next_touch_on for p in session.scalars(select(Prospect))}
    assert "Otto Brandt" not in due
    assert due["Kim Park"] == date(2026, 11, 30)  # was November 25: overdue, due Monday
    assert due["Dana Reyes"] == date(2026, 12, 9)  # still ahead: kept
