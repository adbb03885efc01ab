"""Time zone names from Slack profiles and the settings modal: anything odd is 'not a zone'."""

from __future__ import annotations

import pytest

from bot.workspace_settings import valid_zone


@pytest.mark.parametrize("name", ["Europe/Paris", "America/Los_Angeles", "UTC"])
def test_real_zones_are_valid(name: str) -> None:
    assert valid_zone(name)


@pytest.mark.parametrize(
    "name",
    [None, "", "Mars/Olympus", "../etc/passwd", "Europe/Paris\x00", "A" * 5000, "a/" * 3000],
)
def test_nonsense_is_refused_without_raising(name: str | None) -> None:
    # A name longer than the file system allows raised OSError before; it is just not a zone.
    assert not valid_zone(name)
