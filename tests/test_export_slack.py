"""End to end: `/revive export` over signed HTTP acks at once, then DMs the rep their own
prospects as a CSV (files upload v2) and says so in an ephemeral."""

from __future__ import annotations

import csv
import io

from bot.imports.columns import EXPORT_HEADERS, OWNER_HEADER
from bot.usecases.exports import PREPARING
from tests.conftest import LiveApp
from tests.fakeslack import UPLOAD, SlackFile
from tests.test_e2e_commands import add, reply

U1_ADDS = (
    "Dana Reyes, Acme Corp, went quiet, proposal: 2026-11-02, referrer: Sam Lee",
    "=1+2, Evil Corp, said no, reason: price",
    "José Müller, Zürich AG, chose a competitor, competitor: Globex",
)
U2_ADDS = ("Kim Park, Initech, went quiet, email: kim@initech.example",)


def rows_of(file: SlackFile) -> list[dict[str, str]]:
    content = file.content or b""
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 that spreadsheets recognise
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    assert tuple(reader.fieldnames or ()) == EXPORT_HEADERS
    return list(reader)


def export(live: LiveApp, user: str) -> str:
    """/revive export: the ack says the file is coming; what the ephemeral after it says."""
    before = len(live.fake.responses)
    _body, said = reply(live.driver.command(user, "export"))
    assert said.startswith(PREPARING)
    [*_, answer] = live.fake.wait_for_response(before + 1)
    assert answer.body["response_type"] == "ephemeral"
    return str(answer.body["text"])


def test_export_dms_the_rep_their_own_prospects_and_no_one_elses(live: LiveApp) -> None:
    for text in U1_ADDS:
        add(live, text, user="U1")
    for text in U2_ADDS:
        add(live, text, user="U2")

    said = export(live, "U1")
    assert "Sent your 3 prospects to our DM as `revive-prospects-2026-11-24.csv`" in said
    [shared] = live.fake.files.values()
    assert shared.channels == ["DU1"]  # the DM conversations.open answered, not a user id
    assert shared.filename == "revive-prospects-2026-11-24.csv"
    assert "3 prospects" in (shared.initial_comment or "")
    rows = rows_of(shared)
    assert [r["Name"] for r in rows] == ["Dana Reyes", "'=1+2", "José Müller"]
    assert {r[OWNER_HEADER] for r in rows} == {"U1"}
    dana = rows[0]
    assert (dana["Company"], dana["Situation"], dana["Proposal sent"], dana["Referrer"]) == (
        "Acme Corp", "went_quiet", "2026-11-02", "Sam Lee")
    assert rows[2]["Competitor"] == "Globex"
    assert "Kim Park" not in (shared.content or b"").decode("utf-8-sig")
    assert [c.params["users"] for c in live.fake.calls_to("conversations.open")] == ["U1"]

    said = export(live, "U2")
    assert "Sent your 1 prospect to our DM" in said
    [theirs] = [f for f in live.fake.files.values() if f.id != shared.id]
    assert theirs.channels == ["DU2"]
    assert [(r["Name"], r["Email"], r[OWNER_HEADER]) for r in rows_of(theirs)] == [
        ("Kim Park", "kim@initech.example", "U2")]
    assert live.fake.validation_errors == [] and live.fake.warnings == []


def test_the_ack_comes_back_before_the_upload_happens(live: LiveApp) -> None:
    """Slack's 3-second rule: the ack does not wait for the file. The fake Slack holds the
    upload's bytes; the ack has come back all the same, and nothing is shared until the
    upload goes through."""
    for text in U1_ADDS:
        add(live, text, user="U1")
    live.fake.hold(UPLOAD)
    try:
        _body, said = reply(live.driver.command("U1", "export"))
        assert said.startswith(PREPARING)
        live.fake.wait_for_arrival(UPLOAD)  # the upload is in flight, after the ack
        assert live.fake.files == {} and live.fake.responses == []
        assert live.fake.calls_to("files.completeUploadExternal") == []
    finally:
        live.fake.release(UPLOAD)
    live.fake.wait_for("files.completeUploadExternal")
    [answer] = live.fake.wait_for_response()
    assert "Sent your 3 prospects" in answer.body["text"]
    [shared] = live.fake.files.values()
    assert len(rows_of(shared)) == 3
    assert live.fake.warnings == []


def test_a_rep_with_no_prospects_is_told_so_and_gets_no_file(live: LiveApp) -> None:
    add(live, U2_ADDS[0], user="U2")  # someone else's prospect is not theirs to export
    said = export(live, "U1")
    assert "no prospects on file yet" in said
    live.wait_until_idle()
    assert live.fake.files == {}
    assert live.fake.calls_to(UPLOAD, ok_only=False) == []


def test_a_failed_upload_is_said_plainly(live: LiveApp) -> None:
    add(live, U1_ADDS[0], user="U1")
    live.fake.fail("files.completeUploadExternal", error="internal_error")
    said = export(live, "U1")
    assert "couldn't send you the file" in said and "Traceback" not in said
    assert live.fake.files == {}


def test_export_takes_no_arguments(live: LiveApp) -> None:
    add(live, U1_ADDS[0], user="U1")
    _body, said = reply(live.driver.command("U1", "export U2"))
    assert "Type just `/revive export`" in said
    live.wait_until_idle()
    assert live.fake.files == {} and live.fake.responses == []
