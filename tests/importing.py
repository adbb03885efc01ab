"""Driving `/revive import` through signed requests and the fake Slack: a user's file, the
modal submitted with it, the preview DM, the Import click, what was stored and reported.
Shared by the import and export end-to-end tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot import ids
from store.models import Prospect
from tests.conftest import LiveApp
from tests.fakeslack import Message
from tests.slack_driver import file_input, static_select

FIXTURES = Path(__file__).parent / "fixtures" / "imports"


def upload(live: LiveApp, fixture: str, *, user: str = "U1", team_id: str = "T1",
           data: bytes | None = None) -> dict[str, Any]:
    content = (FIXTURES / fixture).read_bytes() if data is None else data
    return live.fake.add_user_file(fixture, content, user=user, team_id=team_id)


def submit(live: LiveApp, file: dict[str, Any], *, user: str = "U1",
           dates: str | None = None) -> Message:
    """Submit the modal with this file; the preview DM it brings."""
    values: dict[str, dict[str, dict[str, Any]]] = {
        ids.IN_IMPORT_FILE: {ids.IN_IMPORT_FILE: file_input([file])}
    }
    if dates is not None:
        values[ids.IN_IMPORT_DATES] = {ids.IN_IMPORT_DATES: static_select(dates)}
    before = len(posted(live, user))
    response = live.driver.view_submission(user, ids.IMPORT_MODAL, values)
    assert response.status == 200 and not response.body  # closes the modal
    live.wait_until(lambda: len(posted(live, user)) > before)
    return posted(live, user)[-1]


def posted(live: LiveApp, user: str) -> list[Message]:
    """The bot's messages in the DM, not counting shared files (the reports)."""
    return [m for m in live.fake.messages(user) if not m.files]


def preview(live: LiveApp, fixture: str, *, user: str = "U1", dates: str | None = None
            ) -> Message:
    return submit(live, upload(live, fixture, user=user), user=user, dates=dates)


def button(message: Message, action_id: str) -> dict[str, Any] | None:
    for block in message.blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    return None


def click_import(live: LiveApp, message: Message, *, user: str = "U1") -> None:
    found = button(message, ids.IMPORT_CONFIRM)
    assert found is not None, "the preview has no Import button"
    response = live.driver.block_action(
        user, ids.IMPORT_CONFIRM, found["value"], block_id=ids.IMPORT_CONFIRM,
        message=message.as_slack(), channel_id=live.fake.dm_channel(user),
    )
    assert response.status == 200


def stored(live: LiveApp) -> list[Prospect]:
    with live.session() as session:
        return list(session.scalars(select(Prospect).order_by(Prospect.id)))


def count(live: LiveApp) -> int:
    with live.session() as session:
        return session.scalar(select(func.count()).select_from(Prospect)) or 0


def report_rows(live: LiveApp, index: int = -1) -> list[dict[str, str]]:
    reports = [f for f in live.fake.files.values() if f.filename.endswith("-not-imported.csv")]
    assert reports, "no report was uploaded"
    report = reports[index]
    assert report.channels == [live.fake.dm_channel("U1")]
    assert report.content is not None and report.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(report.content.decode("utf-8-sig"))))
