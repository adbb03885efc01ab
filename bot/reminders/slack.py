"""Posting a digest to Slack at most once: 429s waited out on the shared pace, a 5xx or
timeout followed by a look in the DM before trying again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot import ids
from bot.reminders.claim import LeaseLost, keep_lease
from bot.reminders.run import Digest, SweepRun
from bot.slack_client import make_client

# Slack answers these when the token no longer works: nothing else in that workspace will.
WORKSPACE_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "team_access_not_granted",
        "missing_scope",
        "ekm_access_denied",
    }
)
# Slack answers these when the rep cannot be reached: this row will never be delivered.
REP_ERRORS = frozenset({"user_not_found", "user_disabled", "channel_not_found", "cannot_dm_bot"})
HISTORY_LIMIT = 100


class PacedRateLimitHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, honouring Retry-After through the shared pace and our sleep."""

    def __init__(self, *, max_retry_count: int, wait: Callable[[float], None]) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._wait = wait

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error or RuntimeError("429 handler called without a response")
        self._wait(retry_after_seconds(response.headers))
        state.next_attempt_requested = True
        state.increment_current_attempt()


def retry_after_seconds(headers: dict[str, Any]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            text = value[0] if isinstance(value, list) else value
            try:
                return max(float(text), 0.0)
            except (TypeError, ValueError):
                break
    return 1.0


def digest_client(token: str, run: SweepRun, workspace_id: int) -> WebClient:
    """One client per workspace. Only 429s are retried inside slack_sdk: a 429 certainly
    did not post, while a 5xx or timeout may have, so those go through post_digest, which
    looks in the DM before trying again."""
    client = make_client(
        token, run.services.settings.slack_api_url, timeout=run.options.timeout_seconds
    )

    def wait(seconds: float) -> None:
        if run.pacer is not None:
            run.pacer.hold(workspace_id, seconds)
        run.sleep(seconds)
        if not keep_lease(run):
            raise LeaseLost

    client.retry_handlers = [
        PacedRateLimitHandler(max_retry_count=run.options.rate_limit_retries, wait=wait)
    ]
    return client


@dataclass(frozen=True, slots=True)
class Posted:
    channel: str | None = None
    ts: str | None = None
    found: bool = False  # an in-doubt earlier attempt had in fact been delivered
    error: str = ""
    workspace_down: bool = False
    rep_unknown: bool = False  # Slack does not know (or no longer has) this user


def post_digest(
    client: WebClient,
    run: SweepRun,
    *,
    workspace_id: int,
    per_second: float,
    team_id: str,
    user_id: str,
    on: date,
    digest: Digest,
    channel_hint: str | None,
    in_doubt: bool,
) -> Posted:
    marker = run.metadata(team_id, user_id, on)
    check_first = in_doubt
    error = "not attempted"
    for attempt in range(run.options.post_tries):
        if attempt:
            run.sleep(run.options.backoff_seconds * 2 ** (attempt - 1))
        try:
            if check_first:
                channel = channel_hint or _open_dm(client, user_id)
                channel_hint = channel
                ts = find_posted(client, channel, marker)
                if ts is not None:
                    return Posted(channel=channel, ts=ts, found=True)
            if run.pacer is not None:
                run.pacer.wait(workspace_id, per_second)
            if not keep_lease(run):
                raise LeaseLost
            # The user id as channel posts in the app's DM: no conversations.open per rep.
            reply = client.chat_postMessage(
                channel=user_id, text=digest.text, blocks=digest.blocks, metadata=marker
            )
            return Posted(channel=str(reply["channel"]), ts=str(reply["ts"]))
        except LeaseLost:
            return Posted(error="lease lost to another process; not posted")
        except SlackApiError as failure:
            status = failure.response.status_code
            code = str(failure.response.get("error") or status)
            if status >= 500:
                check_first, error = True, f"Slack {status} {code}"
                continue
            return _refused(code)
        except (TimeoutError, URLError, ConnectionError, OSError) as failure:
            # The post may have landed: look in the DM before trying again.
            check_first, error = True, f"network: {failure}"
    return Posted(error=f"{error} after {run.options.post_tries} tries")


def _refused(code: str) -> Posted:
    """A definite answer from Slack: about the token, about the rep, or about this post."""
    if code in WORKSPACE_ERRORS:
        return Posted(error=code, workspace_down=True)
    if code in REP_ERRORS:
        return Posted(error=code, rep_unknown=True)
    # 429 after every Retry-After, or a refusal of this post: try again next tick.
    return Posted(error=code)


def _open_dm(client: WebClient, user_id: str) -> str:
    return str(client.conversations_open(users=user_id)["channel"]["id"])


def find_posted(client: WebClient, channel: str, marker: dict[str, Any]) -> str | None:
    """The ts of a message in the DM carrying this digest's metadata, if one is there."""
    reply = client.conversations_history(
        channel=channel, limit=HISTORY_LIMIT, include_all_metadata=True
    )
    for message in reply.get("messages") or []:
        meta = message.get("metadata") or {}
        if (
            meta.get("event_type") == marker["event_type"] == ids.DIGEST_EVENT_TYPE
            and meta.get("event_payload") == marker["event_payload"]
        ):
            return str(message["ts"])
    return None
