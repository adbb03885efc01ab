"""Whose each imported row is: the importer's own, or (a manager's import with an owner
column) a rep matched by Slack id, by email (users.lookupByEmail, asked before the
transaction) or by display name, within the teams the importer manages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.reps import RepContext
from bot.team.roles import may_see_rep
from store.models import Rep

SLACK_ID = re.compile(r"[UW][A-Z0-9]+")


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose a row will be: a rep on file, or a Slack user Revive has not met yet."""

    key: str  # the Slack user id
    label: str  # how the preview names them
    rep: Rep | None = None
    profile: Mapping[str, Any] | None = None  # users.lookupByEmail's user, for a new rep


@dataclass(frozen=True, slots=True)
class OwnerAnswer:
    owner: Owner | None
    problem: str | None = None


class Owners:
    """Owner cells → owners, for one importer; each distinct cell is resolved once."""

    def __init__(self, session: Session, importer: RepContext,
                 people: Mapping[str, Mapping[str, Any] | None], manager: bool) -> None:
        self.session, self.importer, self.people = session, importer, people
        self.manager, self.admin = manager, bool(importer.rep.is_admin)
        me = importer.rep
        self.me = Owner(me.slack_user_id, "you", rep=me)
        reps = session.scalars(select(Rep).where(Rep.workspace_id == me.workspace_id))
        self.by_id = {rep.slack_user_id: rep for rep in reps}
        self.by_name: dict[str, list[Rep]] = {}
        for rep in self.by_id.values():
            if rep.display_name:
                self.by_name.setdefault(folded(rep.display_name), []).append(rep)
        self._cache: dict[str, OwnerAnswer] = {}

    def of(self, cell: str) -> OwnerAnswer:
        if not self.manager or not cell.strip():
            return OwnerAnswer(self.me)
        key = cell.strip().casefold()
        if key not in self._cache:
            self._cache[key] = self._resolve(cell.strip())
        return self._cache[key]

    def _resolve(self, cell: str) -> OwnerAnswer:
        if "@" in cell:
            profile = self.people.get(cell.casefold())
            if profile is None:
                return OwnerAnswer(None, f"Owner '{cell}': no one in this Slack has that email")
            rep = self.by_id.get(str(profile.get("id")))
            if rep is None:
                return self._newcomer(cell, profile)
            return self._allowed(cell, rep)
        found = self.by_name.get(folded(cell), [])
        if SLACK_ID.fullmatch(cell) and not found:
            rep = self.by_id.get(cell)
            if rep is None:
                return OwnerAnswer(None, f"Owner '{cell}' has not used Revive yet: use their email")
            return self._allowed(cell, rep)
        if len(found) > 1:
            return OwnerAnswer(None, f"Owner '{cell}' names {len(found)} people: use their email")
        if not found:
            return OwnerAnswer(
                None, f"Owner '{cell}' matches no one on Revive by name: use their email"
            )
        return self._allowed(cell, found[0])

    def _allowed(self, cell: str, rep: Rep) -> OwnerAnswer:
        if rep.deactivated_at is not None:
            return OwnerAnswer(None, f"Owner '{cell}' is deactivated in Slack")
        if not may_see_rep(self.session, self.importer.rep, rep):
            return OwnerAnswer(None, f"Owner '{cell}' is not in a team you manage")
        label = "you" if rep.id == self.importer.rep.id else (rep.display_name or cell)
        return OwnerAnswer(Owner(rep.slack_user_id, label, rep=rep))

    def _newcomer(self, cell: str, profile: Mapping[str, Any]) -> OwnerAnswer:
        if profile.get("deleted") or profile.get("is_bot"):
            return OwnerAnswer(None, f"Owner '{cell}' is not an active person in this Slack")
        if not self.admin:  # a new rep is in no team yet: only an admin may hand them work
            return OwnerAnswer(None, f"Owner '{cell}' is not in a team you manage")
        user_id = str(profile.get("id"))
        name = (profile.get("profile") or {}).get("real_name") or profile.get("real_name")
        return OwnerAnswer(Owner(user_id, str(name or cell), profile=profile))


def folded(text: str) -> str:
    return " ".join(text.casefold().split())

