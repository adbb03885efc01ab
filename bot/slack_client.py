"""The one place WebClients are made, so every one honours SLACK_API_URL and retries.

Also the start-up checks of the tokens: a wrong token or an unreachable Slack becomes one
line naming what to fix, before anything is served or written.
"""

from __future__ import annotations

from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

SLACK_TIMEOUT_SECONDS = 10
# Slack's answers that mean "this token is wrong", as opposed to "try again later".
TOKEN_REFUSALS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "not_allowed_token_type",
    }
)
BOT_TOKEN_HOW = (
    "copy the Bot User OAuth Token (xoxb-…) again from 'OAuth & Permissions' at "
    "https://api.slack.com/apps, and reinstall the app if it was uninstalled"
)
APP_TOKEN_HOW = (
    "create an app-level token (xapp-…) with the connections:write scope in 'Basic "
    "Information → App-Level Tokens' at https://api.slack.com/apps, with Socket Mode on"
)
# Raised by urllib (which slack_sdk uses) when Slack cannot be reached at all.
NETWORK_ERRORS = (URLError, ConnectionError, TimeoutError)


class SlackSetupError(Exception):
    """Slack cannot be reached or refused a token; the message says what to fix."""


def make_client(
    token: str | None, api_url: str, *, timeout: int = SLACK_TIMEOUT_SECONDS
) -> WebClient:
    client = WebClient(token=token, base_url=api_url, timeout=timeout)
    # 429s wait for Retry-After; 5xx and dropped connections back off and try again.
    client.retry_handlers.extend(
        [
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=3),
        ]
    )
    if not any(isinstance(h, ConnectionErrorRetryHandler) for h in client.retry_handlers):
        client.retry_handlers.append(ConnectionErrorRetryHandler(max_retry_count=2))
    return client


def check_bot_token(token: str, api_url: str) -> str:
    """auth.test with SLACK_BOT_TOKEN; raises SlackSetupError naming it when refused.

    Returns the id of the token's workspace (T…), "" if Slack did not say."""
    try:
        answer = make_client(token, api_url).auth_test()
    except SlackApiError as error:
        raise _refused("SLACK_BOT_TOKEN", "auth.test", error, BOT_TOKEN_HOW) from None
    except NETWORK_ERRORS as error:
        raise SlackSetupError(unreachable(api_url, error)) from None
    return str(answer.get("team_id") or "")


def check_app_token(app_token: str, api_url: str) -> None:
    """apps.connections.open with SLACK_APP_TOKEN, as Socket Mode will do; the URL it returns
    is simply not used (Socket Mode asks for its own)."""
    try:
        make_client(None, api_url).apps_connections_open(app_token=app_token)
    except SlackApiError as error:
        raise _refused("SLACK_APP_TOKEN", "apps.connections.open", error, APP_TOKEN_HOW) from None
    except NETWORK_ERRORS as error:
        raise SlackSetupError(unreachable(api_url, error)) from None


def _refused(name: str, method: str, error: SlackApiError, how: str) -> SlackSetupError:
    code = str(error.response.get("error") or f"HTTP {error.response.status_code}")
    if code in TOKEN_REFUSALS:
        return SlackSetupError(f"Slack rejected {name} ({code}): {how}.")
    return SlackSetupError(
        f"Slack could not check {name}: {method} answered {code}; try again in a minute."
    )


def unreachable(api_url: str, error: BaseException) -> str:
    """One line for 'no answer from Slack' (refused, timed out, DNS), naming where we looked."""
    reason = getattr(error, "reason", error)
    detail = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return (
        f"Revive cannot reach Slack at {api_url} ({detail}): check the network connection, "
        "a proxy or firewall, and SLACK_API_URL if you set it."
    )
