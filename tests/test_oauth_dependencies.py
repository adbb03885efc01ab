"""OAuth mode's stores come from slack_sdk's SQLAlchemy module, which imports
sqlalchemy.ext.asyncio; with SQLAlchemy 2.1 that needs greenlet, no longer installed with it.
store/models.py attaches those tables, so without greenlet no command starts on a fresh
machine (a Docker build, CI elsewhere). pyproject.toml must say so."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_pyproject_declares_greenlet_for_slack_sdks_sqlalchemy_stores() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = [d.split(";")[0].replace(" ", "").lower() for d in project["dependencies"]]
    assert any(n.startswith("greenlet") or n.startswith("sqlalchemy[asyncio") for n in names), (
        "add greenlet to [project] dependencies in pyproject.toml (e.g. \"greenlet>=3\"): "
        "slack_sdk.oauth.*.sqlalchemy imports sqlalchemy.ext.asyncio, which needs it"
    )
