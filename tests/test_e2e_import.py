"""End to end: `/revive import` through signed requests and the fake Slack.

The path each fixture takes: the modal's file_input submitted → files.info → the bytes from
url_private_download (with the bot token) → the preview DM → the Import click → every ready
row stored in one transaction → the report of the rows not imported uploaded into the DM.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from slack_sdk.models.views import View
from sqlalchemy import select

from bot import ids
from bot.blocks.import_preview import CANCELLED
from store.models import Rep
from tests.conftest import LiveApp
from tests.fakeslack import DOWNLOAD, blocks_text
from tests.importing import (
    FIXTURES,
    button,
    click_import,
    count,
    posted,
    preview,
    report_rows,
    stored,
    submit,
    upload,
)
from tests.slack_driver import file_input


@dataclass
class Expected:
    fixture: str
    ready: dict[str, tuple[str, str]]  # name → (company, situation)
    not_imported: dict[int, str]  # row → a piece of why
    encoding: str


CASES = [
    Expected(
        "hubspot.csv",
        {
            "Dana Reyes": ("Acme Corp", "said_no"),
            "Sam Lee": ("Globex", "chose_competitor"),
            "Priya Natarajan": ("Hooli", "went_quiet"),
            "Marco Bianchi": ("Umbrella", "missing_feature"),
        },
        {6: "the deal is won", 7: "Can't tell why", 8: "same prospect as row 2",
         9: "email address"},
        "UTF-8",
    ),
    Expected(
        "salesforce.csv",
        {
            "Lena Fischer": ("Cyberdyne Systems", "said_no"),
            "Omar Haddad": ("Soylent Corp", "chose_competitor"),
            "Grace Kim": ("Wayne Enterprises", "went_quiet"),
            "Tom Becker": ("Wonka Industries", "said_no"),
        },
        {6: "'Other'", 7: "'Prospecting'"},
        "UTF-8",
    ),
    Expected(
        "pipedrive.csv",
        {
            "Hana Suzuki": ("Northwind Traders", "said_no"),
            "Luis Ortega": ("Contoso", "chose_competitor"),
            "Mia Wong": ("Fabrikam", "went_quiet"),
        },
        {5: "the deal is won", 6: "'Chose not to buy'"},
        "UTF-8",
    ),
    Expected(
        "utf8-bom-semicolon.csv",
        {
            "Zoë Müller": ("Brauerei Köhler GmbH", "said_no"),
            "François Dubois": ("Société Lumière", "chose_competitor"),
            "Łucja Wiśniewska": ("Żabka Polska", "went_quiet"),
        },
        {},
        "UTF-8 (BOM)",
    ),
    Expected(
        "utf16-tab.csv",
        {
            "Łukasz Nowak": ("Kraków Software", "said_no"),
            "Søren Kierkegaard": ("Øresund ApS", "went_quiet"),
            "Chloé Renard": ("Élan Studio", "chose_competitor"),
        },
        {},
        "UTF-16",
    ),
    Expected(
        "latin1.csv",
        {
            "José Peña": ("Société Générale", "said_no"),
            "Björn Ångström": ("Ålands Bank", "went_quiet"),
            "Inès Garçon": ("Crème Brûlée SARL", "said_no"),
        },
        {},
        "Windows-1252",
    ),
    Expected(
        "quoted-newlines.csv",
        {
            "Dana Reyes": ("Acme Corp", "went_quiet"),
            "Lee, Sam": ("Globex", "said_no"),
            "Priya Natarajan": ("Hooli, Inc.", "unhappy_with_provider"),
        },
        {},
        "UTF-8",
    ),
    Expected(
        "ambiguous-dates.csv",
        {
            "Ava Jones": ("Pied Piper", "said_no"),
            "Liam Smith": ("Aviato", "went_quiet"),
            "Zara Ali": ("Raviga", "chose_competitor"),
        },
        {},
        "UTF-8",
    ),
]


# --- every fixture, the whole way --------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.fixture for c in CASES])
def test_a_fixture_is_previewed_imported_and_reported(live: LiveApp, case: Expected) -> None:
    message = preview(live, case.fixture)
    text = blocks_text(message.blocks)
    assert f"*{len(case.ready)}* ready to import" in text
    assert f"*{len(case.not_imported)}* " in text or not case.not_imported
    assert case.encoding in text
    import_button = button(message, ids.IMPORT_CONFIRM)
    assert import_button is not None
    assert import_button["text"]["text"] == f"Import {len(case.ready)} ready"
    info = live.fake.calls_to("files.info")
    assert len(info) == 1 and info[0].token == "xoxb-test-T1"
    [download] = live.fake.calls_to(DOWNLOAD)
    assert download.token == "xoxb-test-T1"
    assert count(live) == 0, "a preview adds nothing"

    click_import(live, message)
    [answer] = live.fake.wait_for_response()
    assert answer.body["replace_original"] is True
    assert f"Imported {len(case.ready)} of" in answer.body["text"]
    prospects = stored(live)
    assert {p.name: (p.company, p.situation) for p in prospects} == case.ready
    assert all(p.next_touch_on is not None and p.status == "dormant" for p in prospects)
    with live.session() as session:
        [rep] = session.scalars(select(Rep))
        assert rep.slack_user_id == "U1" and {p.rep_id for p in prospects} == {rep.id}
    if case.not_imported:
        live.fake.wait_for("files.completeUploadExternal")
        rows = report_rows(live)
        assert {int(r["Row"]): r["Why not imported"] for r in rows}.keys() == set(
            case.not_imported
        )
        for row in rows:
            assert case.not_imported[int(row["Row"])] in row["Why not imported"]
    else:
        live.wait_until_idle()
        assert live.fake.calls_to("files.completeUploadExternal") == []
    assert live.fake.validation_errors == [] and live.fake.warnings == []


def test_import_command_opens_the_upload_modal(live: LiveApp) -> None:
    response = live.driver.command("U1", "import")
    assert response.status == 200 and not response.body
    [call] = live.fake.wait_for("views.open")
    view = call.params["view"]
    View(**view).to_dict()
    [file_block] = [b for b in view["blocks"] if b.get("block_id") == ids.IN_IMPORT_FILE]
    element = file_block["element"]
    assert element["type"] == "file_input" and element["max_files"] == 1
    assert "csv" in element["filetypes"]
    assert view["callback_id"] == ids.IMPORT_MODAL
    assert live.fake.validation_errors == []


# --- what the data says ------------------------------------------------------------------


def test_hubspot_fields_land_where_they_belong(live: LiveApp) -> None:
    click_import(live, preview(live, "hubspot.csv"))
    live.fake.wait_for_response()
    by_name = {p.name: p for p in stored(live)}
    dana = by_name["Dana Reyes"]
    assert (dana.email, dana.phone) == ("dana.reyes@acme.example", "+1 555 0100")
    assert dana.stated_reason == "Too expensive"
    assert dana.decision_date == date(2026, 9, 14)
    assert by_name["Sam Lee"].competitor == "Initech"
    assert by_name["Marco Bianchi"].missing_feature == "SSO with Okta"
    # Said no a month after the decision is long past: due on the next workday (today).
    assert dana.next_touch_on == date(2026, 11, 24)


def test_quoted_newlines_stay_inside_their_cells(live: LiveApp) -> None:
    click_import(live, preview(live, "quoted-newlines.csv"))
    live.fake.wait_for_response()
    by_name = {p.name: p for p in stored(live)}
    assert by_name["Dana Reyes"].note == 'Called twice.\nSaid "call me in Q3", then nothing.'
    assert by_name["Lee, Sam"].note == "Line one\nLine two, with a comma\nLine three"


def test_latin1_and_semicolons_keep_every_accent(live: LiveApp) -> None:
    click_import(live, preview(live, "latin1.csv"))
    live.fake.wait_for_response()
    jose = next(p for p in stored(live) if p.company == "Société Générale")
    assert jose.name == "José Peña" and jose.note == "Quoted 12 000 € a year"


def test_european_dates_with_dots_read_day_first(live: LiveApp) -> None:
    click_import(live, preview(live, "utf8-bom-semicolon.csv"))
    live.fake.wait_for_response()
    zoe = next(p for p in stored(live) if p.name == "Zoë Müller")
    assert zoe.decision_date == date(2026, 3, 24)
    assert zoe.note == "Budget frozen, maybe Q2"


def test_ambiguous_dates_are_read_one_way_and_the_preview_says_which(live: LiveApp) -> None:
    message = preview(live, "ambiguous-dates.csv")
    text = blocks_text(message.blocks)
    assert "read as month/day (US" in text  # U1 works in New York
    click_import(live, message)
    live.fake.wait_for_response()
    assert {p.name: p.decision_date for p in stored(live)} == {
        "Ava Jones": date(2026, 3, 4),
        "Liam Smith": date(2026, 5, 6),
        "Zara Ali": date(2026, 11, 10),
    }


def test_choosing_day_first_in_the_modal_reads_them_the_other_way(live: LiveApp) -> None:
    message = preview(live, "ambiguous-dates.csv", dates="dmy")
    assert "read as" not in blocks_text(message.blocks)  # chosen, not assumed
    click_import(live, message)
    live.fake.wait_for_response()
    assert {p.name: p.decision_date for p in stored(live)} == {
        "Ava Jones": date(2026, 4, 3),
        "Liam Smith": date(2026, 6, 5),
        "Zara Ali": date(2026, 10, 11),
    }


# --- once, and only once -----------------------------------------------------------------


def test_clicking_import_twice_imports_once_and_says_so(live: LiveApp) -> None:
    message = preview(live, "hubspot.csv")
    click_import(live, message)
    live.fake.wait_for_response()
    live.fake.wait_for("files.completeUploadExternal")
    click_import(live, message)
    answers = live.fake.wait_for_response(2)
    assert answers[1].body["replace_original"] is False
    assert answers[1].body["text"].startswith("Already imported")
    live.wait_until_idle()
    assert count(live) == 4
    assert len(live.fake.calls_to("files.completeUploadExternal")) == 1


def test_two_clicks_at_once_import_once(live: LiveApp) -> None:
    message = preview(live, "pipedrive.csv")
    threads = [threading.Thread(target=click_import, args=(live, message)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answers = live.fake.wait_for_response(2)
    texts = sorted(a.body["text"] for a in answers)
    assert texts[0].startswith("Already imported") and texts[1].startswith("Imported 3 of")
    live.wait_until_idle()
    assert count(live) == 3


def test_the_same_file_again_finds_everything_on_file(live: LiveApp) -> None:
    click_import(live, preview(live, "salesforce.csv"))
    live.fake.wait_for_response()
    again = preview(live, "salesforce.csv")
    text = blocks_text(again.blocks)
    assert "*0* ready to import" in text and "*4* already on file" in text
    assert button(again, ids.IMPORT_CONFIRM) is None
    assert button(again, ids.IMPORT_CANCEL) is not None
    assert count(live) == 4


def test_the_report_lists_each_row_with_its_cells_and_imports_again(live: LiveApp) -> None:
    click_import(live, preview(live, "hubspot.csv"))
    live.fake.wait_for("files.completeUploadExternal")
    rows = report_rows(live)
    okafor = next(r for r in rows if r["Row"] == "9")
    assert okafor["First Name"] == "Jo" and okafor["Email"] == "jo.okafor-at-initrode"
    # Fixed in the report, the row goes in; the others are still what they were.
    [report] = [f for f in live.fake.files.values() if f.filename.endswith("-not-imported.csv")]
    assert report.content is not None
    fixed = report.content.replace(b"jo.okafor-at-initrode", b"jo.okafor@initrode.example")
    message = submit(live, upload(live, "fixed.csv", data=fixed))
    assert "*1* ready to import" in blocks_text(message.blocks)
    assert "Columns ignored: Row, Why not imported" in blocks_text(message.blocks)


def test_cancel_adds_nothing(live: LiveApp) -> None:
    message = preview(live, "pipedrive.csv")
    response = live.driver.block_action(
        "U1", ids.IMPORT_CANCEL, "cancel", block_id=ids.IMPORT_CONFIRM,
        message=message.as_slack(),
    )
    assert response.status == 200
    [answer] = live.fake.wait_for_response()
    assert answer.body == {"replace_original": True, "text": CANCELLED}
    assert count(live) == 0


def test_a_changed_file_is_not_imported_from_an_old_preview(live: LiveApp) -> None:
    file = upload(live, "pipedrive.csv")
    message = submit(live, file)
    live.fake.files[file["id"]].content = (FIXTURES / "latin1.csv").read_bytes()
    click_import(live, message)
    [answer] = live.fake.wait_for_response()
    assert "changed since its preview" in answer.body["text"]
    assert count(live) == 0


# --- refusals ----------------------------------------------------------------------------


def refusal(live: LiveApp, user: str = "U1") -> str:
    live.wait_until_idle()
    return posted(live, user)[-1].text


def test_a_file_over_the_row_limit_is_refused_naming_it(live: LiveApp) -> None:
    rows = "".join(f"P{i},Co{i},said no\n" for i in range(10_001))
    submit(live, upload(live, "big.csv", data=f"Name,Company,Situation\n{rows}".encode()))
    assert "more than 10,000 rows" in refusal(live)
    assert count(live) == 0


def test_a_workbook_is_refused_in_words(live: LiveApp) -> None:
    submit(live, upload(live, "book.csv", data=b"PK\x03\x04" + bytes(200)))
    assert "Excel workbook" in refusal(live)


def test_a_file_of_another_workspace_is_gone(live: LiveApp) -> None:
    file = upload(live, "pipedrive.csv", team_id="T2")
    submit(live, file)
    assert "gone from Slack" in refusal(live)
    assert live.fake.calls_to(DOWNLOAD) == []


def test_a_submission_without_a_file_gets_an_inline_error(live: LiveApp) -> None:
    values = {ids.IN_IMPORT_FILE: {ids.IN_IMPORT_FILE: file_input([])}}
    response = live.driver.view_submission("U1", ids.IMPORT_MODAL, values)
    assert response.json() == {
        "response_action": "errors",
        "errors": {ids.IN_IMPORT_FILE: "Choose a CSV file to import."},
    }


def test_the_manifest_asks_for_the_scopes_import_needs() -> None:
    import yaml

    manifest = yaml.safe_load((Path(__file__).parents[1] / "manifest.yml").read_text())
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # files.info + url_private_download; the report's upload; owners by email.
    assert {"files:read", "files:write", "users:read.email"} <= scopes


def test_an_import_on_either_database(live_any_db: LiveApp) -> None:
    live = live_any_db
    message = preview(live, "hubspot.csv")
    click_import(live, message)
    [answer] = live.fake.wait_for_response()
    assert answer.body["text"].startswith("Imported 4 of 8 rows")
    live.fake.wait_for("files.completeUploadExternal")
    click_import(live, message)
    assert live.fake.wait_for_response(2)[1].body["text"].startswith("Already imported")
    assert count(live) == 4
