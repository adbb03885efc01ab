"""End to end: whose the rows of an imported file are. A manager's import maps an owner
column to reps (by email through users.lookupByEmail, or by display name; someone Slack
knows but Revive has not met yet becomes a rep); a rep's import is their own."""

from __future__ import annotations

from sqlalchemy import select

from store.models import Prospect, Rep
from tests.conftest import LiveApp
from tests.export_seed import seed_reps
from tests.fakeslack import blocks_text
from tests.importing import click_import, submit, upload

OWNED = (
    "Name,Company,Situation,Owner\n"
    "Ann One,A Co,said no,\n"  # the importer's
    "Bo Two,B Co,went quiet,sam@example.com\n"  # U2, by email
    "Cy Three,C Co,went quiet,Sam Other\n"  # U2, by display name
    "Di Four,D Co,said no,nobody@example.com\n"  # no such person
    "Ed Five,E Co,said no,Nobody Known\n"  # no such name
    "Fay Six,F Co,said no,new.person@example.com\n"  # U3, not on Revive yet
)


def test_a_managers_import_maps_the_owner_column_to_reps(live: LiveApp) -> None:
    live.fake.add_user("U2", team_id="T1", tz="Europe/Paris", real_name="Sam Other",
                       email="sam@example.com")
    live.fake.add_user("U3", team_id="T1", tz="Asia/Tokyo", real_name="New Person",
                       email="new.person@example.com")
    seed_reps(live.sessions, {
        "U1": {"tz": "America/New_York", "display_name": "Riley Rep", "is_admin": True},
        "U2": {"tz": "Europe/Paris", "display_name": "Sam Other"},
    })  # fmt: skip
    message = submit(live, upload(live, "owners.csv", data=OWNED.encode()))
    text = blocks_text(message.blocks)
    assert "*4* ready to import" in text and "*2* need attention" in text
    assert "Sam Other: 2" in text
    assert "nobody@example.com" in text and "Nobody Known" in text
    lookups = live.fake.calls_to("users.lookupByEmail", ok_only=False)
    assert sorted(c.params["email"] for c in lookups) == [
        "new.person@example.com", "nobody@example.com", "sam@example.com"]
    click_import(live, message)
    live.fake.wait_for_response()
    with live.session() as session:
        rows = session.execute(
            select(Prospect.name, Rep.slack_user_id).join(Rep, Prospect.rep_id == Rep.id))
        owners = {name: user for name, user in rows}
        newcomer = session.scalar(select(Rep).where(Rep.slack_user_id == "U3"))
    assert owners == {"Ann One": "U1", "Bo Two": "U2", "Cy Three": "U2", "Fay Six": "U3"}
    assert newcomer is not None and newcomer.tz == "Asia/Tokyo"


def test_a_reps_import_is_their_own_whatever_the_owner_column_says(live: LiveApp) -> None:
    live.fake.add_user("U2", team_id="T1", real_name="Sam Other", email="sam@example.com")
    message = submit(live, upload(live, "owners.csv", data=OWNED.encode()))
    text = blocks_text(message.blocks)
    assert "*6* ready to import" in text
    assert "Owner (only managers import for others" in text
    assert live.fake.calls_to("users.lookupByEmail", ok_only=False) == []
    click_import(live, message)
    live.fake.wait_for_response()
    with live.session() as session:
        owners = set(session.scalars(
            select(Rep.slack_user_id).join(Prospect, Prospect.rep_id == Rep.id)))
    assert owners == {"U1"}
