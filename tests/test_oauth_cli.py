"""CLI commands that call Slack, in OAuth mode: they use the named workspace's own token."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Clock
from tests.fakeslack import FakeSlack
from tests.oauth_app import oauth_env, serve_oauth
from tests.test_cli import run_revive
from tests.test_oauth_e2e import token_of


def test_teams_set_checks_people_with_the_named_workspaces_token(
    sqlite_database_url: str, clock: Clock, tmp_path: Path
) -> None:
    with FakeSlack(tokens={}) as fake:
        fake.add_user("UM", team_id="TA", real_name="Mia Manager")
        fake.add_user("UR", team_id="TA", real_name="Rex Rep")
        with serve_oauth(sqlite_database_url, fake, clock) as app:
            assert app.install("TA").status == 200 and app.install("TB").status == 200
            token_a = token_of(app, "TA")
        env = oauth_env(fake.api_url, sqlite_database_url)
        fake.reset()
        done = run_revive("teams", "set", "Sales", "--managers", "UM", "--reps", "UR",
                          "--team-id", "TA", cwd=tmp_path, env=env)
        assert done.returncode == 0, done.stderr
        assert {c.token for c in fake.calls_to("users.info")} == {token_a}

        unnamed = run_revive("teams", "set", "Sales", "--managers", "UM", "--reps", "UR",
                             cwd=tmp_path, env=env)
        assert unnamed.returncode == 2 and "name the workspace with --team-id" in unnamed.stderr
        elsewhere = run_revive("teams", "set", "Sales", "--managers", "UM", "--reps", "UR",
                               "--team-id", "TZ", cwd=tmp_path, env=env)
        assert elsewhere.returncode == 2 and "TZ has not installed Revive" in elsewhere.stderr
    for result in (done, unnamed, elsewhere):
        assert "Traceback" not in result.stderr


def test_import_looks_owners_up_with_the_named_workspaces_token(
    sqlite_database_url: str, clock: Clock
) -> None:
    from bot.imports.cli import _people
    from bot.settings import load_settings

    with FakeSlack(tokens={}) as fake:
        fake.add_user("UO", team_id="TB", email="owner@example.com")
        with serve_oauth(sqlite_database_url, fake, clock) as app:
            assert app.install("TA").status == 200 and app.install("TB").status == 200
            token_b = token_of(app, "TB")
        settings = load_settings(oauth_env(fake.api_url, sqlite_database_url))
        fake.reset()
        people = _people(settings, ["owner@example.com"], "TB")
        assert people["owner@example.com"]["id"] == "UO"
        assert [c.token for c in fake.calls_to("users.lookupByEmail")] == [token_b]
        # Workspace A's token does not see B's people: asked with A's, nobody is found.
        assert _people(settings, ["owner@example.com"], "TA") == {"owner@example.com": None}
