"""manifest.yml: valid for Slack, and consistent in ways Slack's schema cannot say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).parents[1]
# A copy of ../shared/slack (MIT, Slack Technologies), so a bare clone can test too.
SCHEMA = ROOT / "tests" / "slack_schema" / "manifest.schema.1.0.0.json"

# Bot scopes each event needs (docs.slack.dev, event reference); None: no scope needed.
EVENT_SCOPES: dict[str, str | None] = {
    "app_home_opened": None,
    "user_change": "users:read",
    "app_uninstalled": None,
    "tokens_revoked": None,
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_validates_against_slacks_schema(manifest: dict[str, Any]) -> None:
    if not SCHEMA.exists():
        pytest.fail(f"Slack's manifest schema is missing at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(manifest, schema)


def test_every_subscribed_event_has_its_scope(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        assert event in EVENT_SCOPES, f"unknown event {event}: add its scope to EVENT_SCOPES"
        needed = EVENT_SCOPES[event]
        assert needed is None or needed in scopes, f"{event} needs the {needed} scope"


def test_request_urls_use_slack_events(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    urls = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    ]
    assert all(url.endswith("/slack/events") for url in urls), urls


def test_app_home_slash_command_and_features_are_declared(manifest: dict[str, Any]) -> None:
    features = manifest["features"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["app_home"]["messages_tab_enabled"] is True
    assert [c["command"] for c in features["slash_commands"]] == ["/revive"]
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "users:read"} <= scopes
