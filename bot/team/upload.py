"""Posting a weekly report: the summary message, then its chart in the same conversation.

The chart goes up with Slack's upload v2 (files.getUploadURLExternal → POST the bytes →
files.completeUploadExternal), which shares into a conversation id only: a user id is
refused there. So the summary goes first (chat.postMessage takes a user id and answers
with the DM's id) and the chart follows into the conversation it answered.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

# What files_upload_v2 raises: an API answer, a refused request, or (from the plain POST
# of the bytes, which slack_sdk neither retries nor wraps) urllib's HTTPError/URLError.
UPLOAD_ERRORS = (SlackApiError, SlackRequestError, OSError)


class ChartNotUploaded(Exception):
    """The summary is posted but its chart is not: retry `upload_chart` alone into
    `channel` (posting the report again would post the summary twice)."""

    def __init__(self, *, channel: str, ts: str) -> None:
        super().__init__(f"report posted in {channel} at {ts}, its chart not uploaded")
        self.channel = channel
        self.ts = ts


def post_report(client: WebClient, *, channel: str, text: str, blocks: list[dict[str, Any]],
                png: bytes, filename: str, title: str,
                metadata: dict[str, Any] | None = None) -> str:
    """Post the summary (`text` is the notification and fallback) to `channel` — a user id
    means the bot's DM with them — then the chart under it. Returns the summary's ts.

    `metadata` (Slack message metadata) lets a caller in doubt find the summary again.
    Raises SlackApiError if the summary was refused (nothing posted), ChartNotUploaded if
    only the chart failed.
    """
    posted = client.chat_postMessage(channel=channel, text=text, blocks=blocks,
                                     metadata=metadata, unfurl_links=False,
                                     unfurl_media=False)
    conversation, ts = str(posted["channel"]), str(posted["ts"])
    try:
        upload_chart(client, channel=conversation, png=png, filename=filename, title=title)
    except UPLOAD_ERRORS as error:
        raise ChartNotUploaded(channel=conversation, ts=ts) from error
    return ts


def upload_chart(client: WebClient, *, channel: str, png: bytes, filename: str,
                 title: str) -> str:
    """Upload the PNG and share it in `channel`, a conversation id (C…, G…, D…). Returns
    the file's id."""
    answer = client.files_upload_v2(channel=channel, file=png, filename=filename,
                                    title=title, alt_txt=title)
    return str(answer["file"]["id"])
