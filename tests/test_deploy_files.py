"""The deployment files, checked without a Docker engine: the Dockerfile's essentials (slim,
non-root, HEALTHCHECK on /healthz that really works, no secret baked in), the compose file and
the systemd units (real `revive` commands, settings Revive knows and accepts)."""

from __future__ import annotations

import configparser
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import build_parser
from bot.observability.health import HEALTH_PATH
from bot.settings import load_settings
from tests.conftest import LiveApp
from tests.fakeslack import FakeSlack
from tests.test_health import closed_port, served

ROOT = Path(__file__).resolve().parents[1]
SECRET_WORDS = re.compile(r"TOKEN|SECRET|PASSWORD|ENCRYPTION_KEY|CLIENT_ID", re.IGNORECASE)


def instructions(path: Path) -> list[tuple[str, str]]:
    """A Dockerfile's instructions (keyword, arguments), comments dropped, lines joined."""
    joined = re.sub(r"\\\n", " ", path.read_text())
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def final_stage(steps: list[tuple[str, str]]) -> list[tuple[str, str]]:
    start = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[start:]


def healthcheck_command() -> list[str]:
    (check,) = [rest for keyword, rest in instructions(ROOT / "Dockerfile")
                if keyword == "HEALTHCHECK"]
    command = json.loads(check[check.index("CMD") + 3:].strip())
    assert isinstance(command, list)
    return [str(part) for part in command]


def known_settings() -> set[str]:
    """Every variable load_settings reads (it is asked for each of them)."""

    class Recording(dict[str, str]):
        def __init__(self) -> None:
            super().__init__()
            self.asked: set[str] = set()

        def get(self, key: str, default: Any = None) -> Any:
            self.asked.add(key)
            return super().get(key, default)

    env = Recording()
    load_settings(env, require_slack=False)
    return env.asked


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_the_image_is_slim_non_root_and_starts_revive() -> None:
    steps = instructions(ROOT / "Dockerfile")
    assert all(rest.split()[0] == "python:3.11-slim" for k, rest in steps if k == "FROM")
    assert any(k == "RUN" and 'pip install' in rest and '".[postgres]"' in rest
               for k, rest in steps)
    last = final_stage(steps)
    users = [rest for keyword, rest in last if keyword == "USER"]
    assert users and users[-1] not in ("root", "0"), "the image must not run as root"
    keywords = [keyword for keyword, _ in last]
    assert keywords.index("USER") < keywords.index("ENTRYPOINT")
    assert ("EXPOSE", "3000") in last
    assert ("ENTRYPOINT", '["revive"]') in last


def test_no_secret_is_baked_into_the_image() -> None:
    steps = instructions(ROOT / "Dockerfile")
    for keyword, rest in steps:
        if keyword in ("ENV", "ARG", "LABEL"):
            assert not SECRET_WORDS.search(rest), f"{keyword} {rest}"
        assert "xoxb-" not in rest and "xapp-" not in rest
        if keyword in ("COPY", "ADD"):
            assert ".env" not in rest.split(), f"{keyword} {rest}"
    ignored = (ROOT / ".dockerignore").read_text().split()
    for private in (".env", ".git", ".venv", "*.db"):
        assert private in ignored


def test_the_healthcheck_is_python_on_healthz_and_fails_on_503(
    live: LiveApp, fake_slack: FakeSlack
) -> None:
    command = healthcheck_command()
    assert command[0] == "python" and "urllib" in command[-1] and HEALTH_PATH in command[-1]
    assert "curl" not in " ".join(command) and "wget" not in " ".join(command)
    run = [sys.executable, *command[1:]]

    def exit_code(health_url: str) -> int:
        port = health_url.split(":")[-1].split("/")[0]
        env = {**os.environ, "PORT": port}
        return subprocess.run(run, env=env, capture_output=True, timeout=30).returncode

    assert exit_code(live.url) == 0
    down = f"postgresql+psycopg://revive@127.0.0.1:{closed_port()}/revive"
    with served(down, fake_slack) as health:
        assert exit_code(health) != 0


def test_compose_runs_postgres_a_migration_web_workers_and_a_scheduler() -> None:
    services = compose()["services"]
    assert set(services) == {"db", "migrate", "web", "scheduler"}
    db = services["db"]
    assert db["image"].startswith("postgres:15")
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["web"]["command"] == ["serve", "--workers", "2", "--no-scheduler"]
    assert services["scheduler"]["command"] == ["scheduler"]
    for name in ("web", "scheduler"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert services[name]["env_file"] == ".env"
    # The web keeps the image's HEALTHCHECK (/healthz); nothing else serves HTTP.
    assert "healthcheck" not in services["web"]
    assert services["scheduler"]["healthcheck"] == {"disable": True}
    # Slack's port is published on the loopback only: a TLS proxy stands in front.
    assert services["web"]["ports"] == ["127.0.0.1:3000:3000"]


def test_compose_commands_are_revive_commands_with_settings_it_accepts(tmp_path: Path) -> None:
    known = known_settings()
    for name in ("migrate", "web", "scheduler"):
        service = compose()["services"][name]
        build_parser().parse_args(service["command"])  # exits 2 on an unknown command
        env = {k: str(v) for k, v in service["environment"].items()}
        assert set(env) <= known, set(env) - known
        env["DATABASE_URL"] = env["DATABASE_URL"].replace(
            "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}", "pw"
        )
        if "PROMETHEUS_MULTIPROC_DIR" in env:
            env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path)
        settings = load_settings(env, require_slack=False)
        assert settings.database_url.startswith("postgresql+psycopg://revive:pw@db:5432/")
        assert not settings.socket_mode  # HTTP mode, whatever .env says
        assert settings.metrics and settings.metrics_port == 9102


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ROOT / "deploy" / "systemd" / name)
    return parser


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("revive-web.service", ["serve", "--workers", "2", "--no-scheduler"]),
        ("revive-scheduler.service", ["scheduler"]),
        ("revive-socket.service", ["serve"]),
    ],
)
def test_systemd_units_run_revive_as_its_own_user(name: str, command: list[str]) -> None:
    service = unit(name)["Service"]
    assert service["User"] == "revive"
    assert service["EnvironmentFile"].startswith("/etc/revive/")
    executable, *args = service["ExecStart"].split()
    assert executable.endswith("/bin/revive")
    assert args == command
    build_parser().parse_args(args)
    pre = service.get("ExecStartPre")
    if pre is not None:
        assert pre.split()[1:] == ["db", "upgrade"]
    known = known_settings()
    for line in (ROOT / "deploy" / "systemd" / name).read_text().splitlines():
        if line.startswith("Environment="):
            variable = line.removeprefix("Environment=").split("=", 1)[0]
            assert variable in known, f"{name}: {variable} is not a Revive setting"
