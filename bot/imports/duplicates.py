"""Which imported rows are already on file, or twice in the file: the same email, else the
same name and company (unless both have emails and they differ)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.imports.owners import folded
from bot.imports.rows import Candidate
from store.models import Prospect


class Seen:
    """Prospects by email, and by name + company (with the emails they had)."""

    def __init__(self) -> None:
        self.emails: dict[str, int] = {}
        self.names: dict[tuple[str, str], dict[str | None, int]] = {}

    def add(self, candidate: Candidate) -> None:
        self.note(candidate.new.name, candidate.new.company, candidate.new.email, candidate.row)

    def note(self, name: str, company: str, email: str | None, row: int) -> None:
        mail = folded(email) if email else None
        if mail:
            self.emails.setdefault(mail, row)
        self.names.setdefault((folded(name), folded(company)), {}).setdefault(mail, row)

    def find(self, candidate: Candidate) -> int | None:
        """The row it repeats: same email, or same name and company unless both have emails
        and they differ (two people of one name at one company)."""
        new = candidate.new
        mail = folded(new.email) if new.email else None
        if mail and mail in self.emails:
            return self.emails[mail]
        known = self.names.get((folded(new.name), folded(new.company)))
        if not known:
            return None
        if mail is None:
            return min(known.values())
        return known.get(None)


def on_file_of(session: Session, workspace_id: int, rep_ids: Iterable[int]) -> dict[int, Seen]:
    found: dict[int, Seen] = {}
    p = Prospect.__table__.c
    rows = session.execute(
        select(p.rep_id, p.name, p.company, p.email).where(
            p.workspace_id == workspace_id, p.rep_id.in_(list(rep_ids))
        )
    )
    for rep_id, name, company, email in rows:
        found.setdefault(rep_id, Seen()).note(name, company, email, 0)
    return found

