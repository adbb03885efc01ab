"""Org-wide (Enterprise Grid) requests: Revive is installed per workspace, never org-wide.

An org-wide install sends requests whose team id is missing (Bolt's own test payloads say
`is_enterprise_install: true` and `authorizations[0].team_id: null`). Every layer below
scopes its work by workspace, so such a request is answered here, before authorization,
quietly and properly: a slash command gets a private line saying what to do, anything else
a plain 200 so Slack does not retry. A workspace of a Grid that installed Revive itself
carries its team id and goes through as any workspace does.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse

log = logging.getLogger(__name__)

ORG_WIDE_TEXT = (
    "Revive works one workspace at a time and is not installed in this one. "
    "Ask a Slack admin to install Revive in this workspace."
)
# Slack's own handshakes carry no team: they are not an org-wide request.
_HANDSHAKES = ("url_verification", "ssl_check")


def org_wide_guard(
    body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
) -> BoltResponse:
    if context.team_id or body.get("type") in _HANDSHAKES:
        return next()
    kind = body.get("command") or _event_type(body) or body.get("type") or "request"
    log.info(
        "org-wide request (%s, enterprise %s) without a workspace: answered, nothing done",
        kind,
        context.enterprise_id or "?",
    )
    if body.get("command"):
        return BoltResponse(
            status=200,
            body=json.dumps({"response_type": "ephemeral", "text": ORG_WIDE_TEXT}),
            headers={"content-type": "application/json"},
        )
    return BoltResponse(status=200, body="")


def _event_type(body: dict[str, Any]) -> str | None:
    event = body.get("event")
    kind = event.get("type") if isinstance(event, dict) else None
    return kind if isinstance(kind, str) else None
