"""`/revive import` as use cases: the preview, and the import itself.

Nothing is kept between the two: the Import button carries the Slack file id (and the
digest of the bytes previewed), and the click downloads and reads the file again. Reading
is stateless and the import idempotent: a second click, or the same file a week later,
finds every row on file and adds nothing.

Slack is never called with a transaction open: the rep is looked up, then the file is
downloaded, read (bot.imports.reader and rows, pure) and the owner emails asked of Slack,
then one transaction plans and, for Import, writes every ready row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks import import_preview as blocks
from bot.errors import UserError
from bot.imports.apply import apply_import
from bot.imports.fetch import REINSTALL, SlackUpload, fetch_upload
from bot.imports.plan import Parsed, file_digest, owner_emails, parse_import, plan_import
from bot.imports.reader import ImportRefused
from bot.imports.rows import DateOrder, order_for_zone
from bot.imports.summary import report_csv, summarize
from bot.team.roles import is_manager
from bot.team.upload import UPLOAD_ERRORS
from bot.usecases.request import Caller, rep_request

CHANGED = UserError(
    "That file changed since its preview. Type `/revive import` to preview it again."
)
EMAIL_SCOPE = (
    "Slack won't let Revive look people up by email (missing_scope). Ask your Slack admin "
    "to reinstall Revive from its manifest (it needs users:read.email), then import again."
)


def import_form() -> dict[str, Any]:
    return blocks.import_modal()


@dataclass(frozen=True, slots=True)
class Prepared:
    upload: SlackUpload
    parsed: Parsed
    people: dict[str, Mapping[str, Any] | None]


def _prepare(caller: Caller, value: ids.ImportValue) -> Prepared:
    with rep_request(caller) as req:
        today, zone = req.rep.today, req.rep.zone.key
        manager = is_manager(req.session, req.rep.rep)
    api_url = caller.services.settings.slack_api_url
    upload = fetch_upload(caller.client, value.file_id, api_url=api_url)
    if value.digest is not None and file_digest(upload.data) != value.digest:
        raise CHANGED
    parsed = parse_import(
        upload.data, today=today, order=DateOrder(value.dates), guess=order_for_zone(zone),
        for_others=manager,
    )  # fmt: skip
    people = lookup_people(caller.client, owner_emails(parsed)) if parsed.owner_column else {}
    return Prepared(upload, parsed, people)


def lookup_people(client: WebClient, emails: Iterable[str]) -> dict[str, Mapping[str, Any] | None]:
    """Slack's user for each email (users.lookupByEmail, scope users:read.email); None for
    an email nobody in the workspace has."""
    people: dict[str, Mapping[str, Any] | None] = {}
    for email in emails:
        try:
            user = client.users_lookupByEmail(email=email).get("user")
        except SlackApiError as error:
            code = error.response.get("error")
            if code == "missing_scope":
                raise ImportRefused(EMAIL_SCOPE) from None
            if code not in ("users_not_found", "user_not_found", "invalid_email"):
                raise
            user = None
        people[email] = user if isinstance(user, dict) else None
    return people


def preview_import(caller: Caller, value: ids.ImportValue) -> dict[str, Any]:
    """The preview DM (chat.postMessage arguments) for the file just uploaded."""
    prepared = _prepare(caller, value)
    with rep_request(caller) as req:
        plan = plan_import(req.session, req.rep, prepared.parsed, prepared.people)
    summary = summarize(plan)
    value = replace(value, digest=prepared.parsed.digest)
    text, shown = blocks.preview_message(prepared.upload.name, summary, value)
    return {"channel": caller.user_id, "text": text, "blocks": shown}


@dataclass(frozen=True, slots=True)
class Imported:
    """What Import answers: the preview replaced by `text`/`blocks`, and the report to upload
    (None when every row went in). `already`: nothing was new, the answer is a notice."""

    text: str
    blocks: list[dict[str, Any]]
    report: bytes | None = None
    report_name: str = ""
    already: bool = False


def import_file(caller: Caller, value: ids.ImportValue) -> Imported:
    """Add every ready row of the previewed file in one transaction."""
    prepared = _prepare(caller, value)
    name = prepared.upload.name
    with rep_request(caller) as req:
        plan = plan_import(req.session, req.rep, prepared.parsed, prepared.people, lock=True)
        applied = apply_import(req.session, req.rep, plan, now=req.now)
        today = req.rep.today
    summary = summarize(plan)
    if applied.added == 0 and summary.on_file:
        return Imported(blocks.already_text(name, summary), [], already=True)
    first_due = min(applied.first_due.values(), default=None)
    text, shown = blocks.done_message(name, summary, applied.added, first_due, today)
    report = report_csv(plan) if summary.skipped else None
    return Imported(text, shown, report, report_name(name))


def report_name(name: str) -> str:
    return f"{PurePosixPath(name).stem or 'import'}-not-imported.csv"


def send_report(client: WebClient, *, channel: str, done: Imported) -> None:
    """Upload the row-by-row report into the conversation the Import click came from; if
    Slack refuses it, say so there (the import itself has happened)."""
    if done.report is None:
        return
    try:
        client.files_upload_v2(
            channel=channel, file=done.report, filename=done.report_name,
            title=f"Rows not imported ({done.report_name})",
        )  # fmt: skip
    except UPLOAD_ERRORS as error:
        reason = getattr(getattr(error, "response", None), "get", lambda _k: None)("error")
        more = f" ({reason}). {REINSTALL.replace('files:read', 'files:write')}" if reason else "."
        client.chat_postMessage(
            channel=channel, text=f"The import is done, but I couldn't upload its report{more}"
        )
