"""The one place WebClients are made, so every one honours SLACK_API_URL and retries."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

SLACK_TIMEOUT_SECONDS = 10


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
