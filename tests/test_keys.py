"""Tokens at rest: the OAuth settings, the key, `revive keys new` and `revive keys rotate`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.install.config import DEFAULT_SCOPES
from bot.install.crypto import TokenCipher, UnreadableToken
from bot.install.store import EncryptedInstallationStore
from bot.settings import ConfigError, load_settings
from store.db import make_engine
from tests.conftest import Clock
from tests.fakeslack import FakeSlack
from tests.oauth_app import KEY, oauth_env, serve_oauth
from tests.test_cli import run_revive

ROOT = Path(__file__).parents[1]


def settings_problem(env: dict[str, str], **require: object) -> str:
    with pytest.raises(ConfigError) as raised:
        load_settings(env, **require)  # type: ignore[arg-type]
    return str(raised.value)


def test_oauth_mode_needs_no_bot_token_and_keeps_its_secrets_out_of_reprs() -> None:
    settings = load_settings(oauth_env("http://127.0.0.1:9/api/", "sqlite:///x.db"))
    assert settings.oauth is not None and settings.slack_bot_token == ""
    assert settings.oauth.scopes == DEFAULT_SCOPES
    assert settings.oauth.install_path == "/slack/install"
    shown = repr(settings) + repr(settings.oauth)
    assert "fake-client-secret" not in shown and KEY not in shown and "oauth=True" in shown


def test_default_scopes_are_the_manifests_bot_scopes() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    # A scope added to the manifest must be asked for when a workspace installs, too.
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(DEFAULT_SCOPES)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"REVIVE_ENCRYPTION_KEY": ""}, "REVIVE_ENCRYPTION_KEY is not set"),
        ({"REVIVE_ENCRYPTION_KEY": "not-a-key"}, "REVIVE_ENCRYPTION_KEY must be Fernet keys"),
        ({"REVIVE_ENCRYPTION_KEY": f"{KEY},nope"}, "key 2 of 2 is not one"),
        ({"SLACK_CLIENT_SECRET": ""}, "SLACK_CLIENT_SECRET is not set"),
        ({"SLACK_APP_TOKEN": "xapp-1-real"}, "need HTTP mode"),
        ({"SLACK_INSTALL_PATH": "install"}, "SLACK_INSTALL_PATH must be a path"),
    ],
)
def test_oauth_settings_problems_are_named(change: dict[str, str], words: str) -> None:
    env = {**oauth_env("http://127.0.0.1:9/api/", "sqlite:///x.db"), **change}
    problem = settings_problem(env)
    assert words in problem and KEY not in problem


def test_the_cipher_encrypts_under_the_first_key_and_reads_with_any() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    stored = TokenCipher([old]).encrypt("xoxb-1-secret")
    assert stored is not None and "xoxb" not in stored
    both = TokenCipher([new, old])
    assert both.decrypt(stored) == "xoxb-1-secret"
    rotated = both.rotate(stored)
    assert TokenCipher([new]).decrypt(rotated) == "xoxb-1-secret"
    with pytest.raises(UnreadableToken):
        TokenCipher([new]).decrypt(stored)


def test_serve_in_oauth_mode_without_a_key_refuses_to_start(tmp_path: Path) -> None:
    env = oauth_env("http://127.0.0.1:9/api/", f"sqlite:///{tmp_path / 'r.db'}")
    env["REVIVE_ENCRYPTION_KEY"] = ""
    result = run_revive("serve", cwd=tmp_path, env=env)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "REVIVE_ENCRYPTION_KEY is not set" in line and "revive keys new" in line
    assert "Traceback" not in result.stderr and not (tmp_path / "r.db").exists()


def test_keys_new_prints_a_usable_key(tmp_path: Path) -> None:
    result = run_revive("keys", "new", cwd=tmp_path, env={})
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip()
    assert TokenCipher([key]).decrypt(TokenCipher([key]).encrypt("t")) == "t"


def stored_tokens(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        values = [
            value
            for table, columns in (("slack_installations", "bot_token, bot_refresh_token"),
                                   ("slack_bots", "bot_token, bot_refresh_token"))
            for row in connection.execute(text(f"SELECT {columns} FROM {table}"))
            for value in row
            if value
        ]
    engine.dispose()
    return values


def test_keys_rotate_re_encrypts_every_token_under_the_new_key(
    sqlite_database_url: str, clock: Clock, tmp_path: Path
) -> None:
    with FakeSlack(tokens={}) as fake:
        fake.oauth.rotation_seconds = 43200  # bot and refresh tokens, both secret
        with serve_oauth(sqlite_database_url, fake, clock) as app:
            assert app.install("TA").status == 200 and app.install("TB").status == 200
        issued = list(fake.tokens)
    before = stored_tokens(sqlite_database_url)
    assert len(before) == 8 and not any(t in v for t in issued for v in before)
    new = Fernet.generate_key().decode()
    env = oauth_env(fake.api_url, sqlite_database_url, REVIVE_ENCRYPTION_KEY=f"{new},{KEY}")

    result = run_revive("keys", "rotate", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "Re-encrypted 8 token(s) in 4 row(s)" in result.stdout
    after = stored_tokens(sqlite_database_url)
    assert len(after) == 8 and set(after).isdisjoint(before)
    engine = make_engine(sqlite_database_url)
    only_new = EncryptedInstallationStore.over(engine, "1111.2222", TokenCipher([new]))
    bot = only_new.find_bot(enterprise_id=None, team_id="TA")
    assert bot is not None and bot.bot_token in issued
    only_old = EncryptedInstallationStore.over(engine, "1111.2222", TokenCipher([KEY]))
    assert only_old.find_bot(enterprise_id=None, team_id="TA") is None  # logged, not a crash
    engine.dispose()

    # Without the key the tokens were stored under, nothing moves.
    stranger = Fernet.generate_key().decode()
    env["REVIVE_ENCRYPTION_KEY"] = stranger
    result = run_revive("keys", "rotate", cwd=tmp_path, env=env)
    assert result.returncode == 2 and "Nothing rotated" in result.stderr
    assert stored_tokens(sqlite_database_url) == after
    assert "Traceback" not in result.stderr


def test_serve_with_a_key_that_opens_no_stored_token_refuses_to_start(
    sqlite_database_url: str, clock: Clock, tmp_path: Path
) -> None:
    from tests.test_serve_process import free_port

    with FakeSlack(tokens={}) as fake:
        with serve_oauth(sqlite_database_url, fake, clock) as app:
            assert app.install("TA").status == 200
        env = oauth_env(fake.api_url, sqlite_database_url, PORT=str(free_port()),
                        REVIVE_ENCRYPTION_KEY=Fernet.generate_key().decode())
        result = run_revive("serve", "--no-scheduler", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "REVIVE_ENCRYPTION_KEY cannot decrypt the stored Slack tokens" in result.stderr
    assert "Traceback" not in result.stderr
