"""Posting a weekly report row at most once, like a digest: paced, under the row's lease,
and a sweep in doubt looks before posting again.

A report is one or more parts (the manager's DM, a team's report channel), each a summary
message carrying metadata, then one chart per team uploaded into the same conversation
(files upload v2, bot.team.upload). A row in doubt (claimed again, or retried after a 5xx
or timeout) first reads the conversation's recent history: a summary with this part's
metadata is not posted again, and a chart whose file name is already shared after it is not
uploaded again. So a crash between any two calls, or between the last upload and marking the
row sent, costs no duplicate: the next attempt finds what is there and sends the rest.

A team's report channel Revive cannot post in (not invited, gone, archived) does not lose
the report: that part goes to the DM of each of the team's managers instead, opened by a
line saying how to let Revive into the channel (bot.team.report.channel_fallback).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.reminders.claim import LeaseLost, keep_lease
from bot.reminders.run import SweepRun
from bot.reminders.slack import HISTORY_LIMIT, REP_ERRORS, WORKSPACE_ERRORS, Posted
from bot.team.recipients import DM
from bot.team.report import ComposedReport, ReportPart, channel_fallback, report_metadata
from bot.team.teams import USER_ID
from bot.team.upload import upload_chart

# A report row's own troubles, not the workspace's: digests go on while they are fixed.
SCOPE_HINT = (
    "reinstall Revive with the scopes of manifest.yml (files:write for the chart; "
    "channels:history or groups:history to look in a report channel)"
)
CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
NETWORK_ERRORS = (TimeoutError, URLError, ConnectionError, OSError)
log = logging.getLogger(__name__)


@dataclass
class ReportPost:
    """One report row being posted: where, for whom, and what is known to be there."""

    client: WebClient
    run: SweepRun
    workspace_id: int
    per_second: float
    team_id: str
    user_id: str
    monday: date
    dm_hint: str | None  # the manager's DM id, when an earlier digest told us
    posted_anything: bool = False
    dms: dict[str, str] = field(default_factory=dict)  # other managers' DM ids (fallbacks)


def post_report(
    client: WebClient,
    run: SweepRun,
    *,
    workspace_id: int,
    per_second: float,
    team_id: str,
    user_id: str,
    monday: date,
    report: ComposedReport,
    channel_hint: str | None,
    in_doubt: bool,
) -> Posted:
    """Post every part of the report; the first part's conversation and ts when all are
    there (found=True when an earlier attempt had already posted all of it)."""
    post = ReportPost(client, run, workspace_id, per_second, team_id, user_id, monday,
                      channel_hint)  # fmt: skip
    first: tuple[str, str] | None = None
    for part in report.parts:
        result = post_part(post, part, in_doubt)
        if result.workspace_down and post.posted_anything:
            # Handing the row back would not count the attempt, and the next one would not
            # look first: fail it instead, so what did go out is found, not posted again.
            return Posted(error=result.error)
        if result.ts is None or result.channel is None:
            return result
        first = first or (result.channel, result.ts)
    assert first is not None, "a report without parts is skipped, never posted"
    return Posted(channel=first[0], ts=first[1], found=not post.posted_anything)


def post_part(post: ReportPost, part: ReportPart, in_doubt: bool) -> Posted:
    """One part, tried again within this attempt after a 5xx or a network error."""
    run = post.run
    check_first = in_doubt
    error = "not attempted"
    for attempt in range(run.options.post_tries):
        if attempt:
            run.sleep(run.options.backoff_seconds * 2 ** (attempt - 1))
        try:
            return send_part(post, part, check_first)
        except LeaseLost:
            return Posted(error="lease lost to another process; not posted")
        except SlackApiError as failure:
            status = failure.response.status_code
            code = str(failure.response.get("error") or status)
            if status >= 500:
                check_first, error = True, f"Slack {status} {code}"
                continue
            if part.fallback and code in CHANNEL_ERRORS:
                return post_fallback(post, part, code, in_doubt)
            return refused(code, part)
        except NETWORK_ERRORS as failure:
            # Any of the calls may have landed: look in the conversation before trying again.
            check_first, error = True, f"network: {failure}"
    return Posted(error=f"{error} after {run.options.post_tries} tries")


def post_fallback(post: ReportPost, part: ReportPart, code: str, in_doubt: bool) -> Posted:
    """The channel refused the part: each of its managers gets it in their DM instead. The
    first DM's conversation and ts stand for the part."""
    log.warning("weekly report for %s refused (%s): sent to %d managers' DMs instead",
                part.channel, code, len(part.fallback))  # fmt: skip
    first: Posted | None = None
    for user_id in part.fallback:
        result = post_part(post, channel_fallback(part, user_id, code), in_doubt)
        if result.workspace_down:
            return result
        if result.ts is None or result.channel is None:
            # Failing the row: the next attempt looks first, so what went out is not resent.
            return Posted(error=f"{code} in <#{part.channel}>, then {result.error} in the "
                          f"DM of {user_id}")  # fmt: skip
        first = first or result
    assert first is not None, "a channel part's fallback names its sender at least"
    return first


def send_part(post: ReportPost, part: ReportPart, check_first: bool) -> Posted:
    marker = report_metadata(post.team_id, post.user_id, post.monday, part.key)
    conversation: str | None = None
    summary_ts: str | None = None
    shared: set[str] = set()
    if check_first:
        conversation = conversation_of(post, part)
        summary_ts, shared = find_report(post.client, conversation, marker)
    if summary_ts is None:
        pace(post)
        reply = post.client.chat_postMessage(
            channel=part.channel, text=part.text, blocks=part.blocks, metadata=marker,
            unfurl_links=False, unfurl_media=False,
        )  # fmt: skip
        conversation, summary_ts = str(reply["channel"]), str(reply["ts"])
        post.posted_anything = True
    assert conversation is not None
    if part.key == DM or part.channel == post.user_id:
        post.dm_hint = conversation
    for chart in part.charts:
        if chart.filename in shared:
            continue
        pace(post)
        # A user id is refused here: the conversation id the summary answered with.
        upload_chart(post.client, channel=conversation, png=chart.png,
                     filename=chart.filename, title=chart.title)  # fmt: skip
        post.posted_anything = True
    return Posted(channel=conversation, ts=summary_ts)


def pace(post: ReportPost) -> None:
    """Every write takes a slot of the workspace's shared pace, under a lease still ours."""
    if post.run.pacer is not None:
        post.run.pacer.wait(post.workspace_id, post.per_second)
    if not keep_lease(post.run):
        raise LeaseLost


def conversation_of(post: ReportPost, part: ReportPart) -> str:
    """The conversation a part is posted in: a channel as it is, a DM opened by user id."""
    user_id = post.user_id if part.key == DM else part.channel
    if not USER_ID.fullmatch(user_id):
        return user_id
    if user_id == post.user_id:
        if post.dm_hint is None:
            post.dm_hint = open_dm(post, user_id)
        return post.dm_hint
    if user_id not in post.dms:
        post.dms[user_id] = open_dm(post, user_id)
    return post.dms[user_id]


def open_dm(post: ReportPost, user_id: str) -> str:
    return str(post.client.conversations_open(users=user_id)["channel"]["id"])


def find_report(
    client: WebClient, conversation: str, marker: dict[str, Any]
) -> tuple[str | None, set[str]]:
    """The ts of this part's summary in the conversation's recent history, and the file
    names shared after it (its charts)."""
    reply = client.conversations_history(
        channel=conversation, limit=HISTORY_LIMIT, include_all_metadata=True
    )
    messages = reply.get("messages") or []
    summary = next((m for m in messages if is_marked(m, marker)), None)
    if summary is None:
        return None, set()
    after = float(summary["ts"])
    shared = {
        str(file.get("name"))
        for message in messages
        if float(message.get("ts") or 0) > after
        for file in message.get("files") or []
    }
    return str(summary["ts"]), shared


def is_marked(message: dict[str, Any], marker: dict[str, Any]) -> bool:
    meta = message.get("metadata") or {}
    return (
        meta.get("event_type") == marker["event_type"] == ids.WEEKLY_REPORT_EVENT_TYPE
        and meta.get("event_payload") == marker["event_payload"]
    )


def refused(code: str, part: ReportPart) -> Posted:
    """A definite answer from Slack about the token, the manager, a channel or a scope."""
    if code == "missing_scope":
        return Posted(error=f"missing_scope: {SCOPE_HINT}")
    if code in WORKSPACE_ERRORS:
        return Posted(error=code, workspace_down=True)
    if part.key != DM and code in CHANNEL_ERRORS and not USER_ID.fullmatch(part.channel):
        return Posted(error=f"{code}: invite the app to <#{part.channel}> with /invite @Revive")
    if part.key == DM and code in REP_ERRORS:
        return Posted(error=code, rep_unknown=True)
    return Posted(error=code)
