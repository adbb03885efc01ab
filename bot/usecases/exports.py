"""`/revive export`: the rep's own prospects, as a CSV file in their DM with Revive.

The listener acks first (handlers.exports: a big pipeline takes longer than Slack's 3
seconds to read and upload); then the rows are read in one unit of work, scoped to the rep
who typed it (never another rep's prospects), and the file goes up once it has closed.
Upload v2 shares into a conversation id only, so the DM is opened first (conversations.open
answers its D… id).
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.blocks.command_replies import Reply
from bot.errors import UserError
from bot.imports.export import csv_file_bytes, csv_text, export_filename, exported_prospects
from bot.parsing.dates import format_date
from bot.usecases.request import Caller, rep_request

log = logging.getLogger(__name__)

# What an upload raises: an API answer, a refused request, or (the plain POST of the
# bytes, which slack_sdk neither retries nor wraps) urllib's HTTPError/URLError.
UPLOAD_ERRORS = (SlackApiError, SlackRequestError, OSError)


USAGE = "Type just `/revive export`: it sends you all your prospects."
PREPARING = (
    ":hourglass_flowing_sand: Gathering your prospects into a CSV file: it arrives in our DM "
    "in a moment."
)


def export_own(caller: Caller) -> Reply:
    """Send the caller their prospects as a CSV file; the reply says what was sent."""
    with rep_request(caller) as req:
        rows = exported_prospects(req.session, workspace=req.rep.workspace, rep=req.rep.rep)
        text, count = csv_text(rows)
        today = req.rep.today
    if count == 0:
        return Reply(
            text="You have no prospects on file yet, so there is nothing to export. "
            "Add one with `/revive add`."
        )
    filename = export_filename(today)
    what = "1 prospect" if count == 1 else f"{count} prospects"
    try:
        opened = caller.client.conversations_open(users=caller.user_id)
        caller.client.files_upload_v2(
            channel=str(opened["channel"]["id"]),
            file=csv_file_bytes(text),
            filename=filename,
            title=f"Your Revive prospects, {today.isoformat()}",
            initial_comment=f"Your {what} on file in Revive as of {format_date(today, today)}, "
            "one row each. It opens in any spreadsheet.",
        )
    except UPLOAD_ERRORS as error:
        log.warning("export for %s not sent: %s", caller.user_id, error)
        raise UserError(
            "I couldn't send you the file just now. Try `/revive export` again in a minute."
        ) from None
    return Reply(text=f":outbox_tray: Sent your {what} to our DM as `{filename}`.")
