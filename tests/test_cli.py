"""The `revive` command as an admin meets it: clear words, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from store.db import make_engine
from store.migrate import current_revision, head_revision


def run_revive(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(Path(__file__).parents[1]), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_without_tokens_explains_what_is_missing_and_exits(tmp_path: Path) -> None:
    result = run_revive("serve", cwd=tmp_path, env={})
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set" in result.stderr
    assert "manifest.yml" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "revive.db").exists(), "nothing is written before the config is valid"


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = run_revive("--help", cwd=tmp_path, env={})
    assert result.returncode == 0
    for command in ("serve", "db"):
        assert command in result.stdout


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = run_revive("db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_unreachable_database_is_explained(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody:pw@127.0.0.1:1/none"
    result = run_revive("db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": url})
    assert result.returncode == 5
    [line] = result.stderr.splitlines()  # psycopg's message spans two lines; ours is one
    assert "cannot reach its database" in line and "Connection refused" in line
    assert "pw@" not in result.stderr
    assert "Traceback" not in result.stderr
