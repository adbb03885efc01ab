"""Rendering the playbook's texts for one prospect: templates, dates in words, tactic cards.

Templates use `{placeholder}` fields and `[optional segments]`: a segment is
dropped when any field inside it is unknown, and a field outside a segment
falls back to a neutral phrase, so a rendered text never shows a raw field,
"None" or a broken sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.coach.dates import DEFAULT_SETTINGS, contract_cycle_end, proposal_expiry
from bot.coach.playbook import HOMEWORK, Tactic
from bot.domain import CoachSettings, ProspectFacts

# Fields outside an [optional segment] fall back to these neutral phrases.
FALLBACKS: dict[str, str] = {
    "first_name": "there",
    "company": "your company",
    "feature": "the feature you asked about",
    "competitor": "your current provider",
    "contract_end": "your renewal date",
    "proposal_expiry": "the date we agreed",
    "referrer": "a colleague of yours",
    "last_learned": "what we discussed",
    "last_topic": "what we discussed",
    "stated_reason": "the reason you gave",
    "decision_date": "when you made your choice",
}

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
_FIELD = re.compile(r"\{(\w+)\}")


def human_date(d: date, today: date | None = None) -> str:
    """'March 3, 2027'; without the year when `today` is given and in the same year."""
    if today is not None and d.year == today.year:
        return f"{d:%B} {d.day}"
    return f"{d:%B} {d.day}, {d.year}"


def _clean(value: str | None) -> str | None:
    """One line, no edge spaces or trailing full stop (the template has its own)."""
    if value is None:
        return None
    value = " ".join(value.split()).rstrip(" .,;:")
    return value or None


def field_values(
    prospect: ProspectFacts, *, today: date, settings: CoachSettings
) -> dict[str, str | None]:
    expiry = proposal_expiry(prospect, settings)
    renewal = contract_cycle_end(prospect, today, settings)
    return {
        "first_name": _clean(prospect.first_name),
        "company": _clean(prospect.company),
        "feature": _clean(prospect.missing_feature),
        "competitor": _clean(prospect.competitor),
        "contract_end": human_date(renewal) if renewal else None,
        "proposal_expiry": human_date(expiry) if expiry else None,
        "referrer": _clean(prospect.referrer),
        "last_learned": _clean(prospect.last_learned),
        "last_topic": _clean(prospect.last_learned),
        "stated_reason": _clean(prospect.stated_reason),
        "decision_date": human_date(prospect.decision_date) if prospect.decision_date else None,
    }


def template_fields(template: str) -> set[str]:
    return set(_FIELD.findall(template))


def render(
    template: str,
    prospect: ProspectFacts,
    *,
    today: date,
    settings: CoachSettings = DEFAULT_SETTINGS,
) -> str:
    """Fill a template for this prospect; unknown fields in the template are a bug."""
    unknown = template_fields(template) - FALLBACKS.keys()
    if unknown:
        raise ValueError(f"template uses unknown field(s): {', '.join(sorted(unknown))}")
    values = field_values(prospect, today=today, settings=settings)

    def segment(match: re.Match[str]) -> str:
        inner = match.group(1)
        return inner if all(values[name] for name in template_fields(inner)) else ""

    # Segments first, on the template only; values go in last, in one pass, so a
    # prospect's own text is never read as template syntax.
    shaped = _SEGMENT.sub(segment, template)
    text = _FIELD.sub(lambda m: values[m.group(1)] or FALLBACKS[m.group(1)], shaped)
    return _tidy(text)


def _tidy(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        line = re.sub(r" {2,}", " ", line).strip()
        lines.append(re.sub(r" ([.,;:?!])", r"\1", line))
    return "\n".join(lines).strip()


def render_tactic(
    tactic: Tactic,
    prospect: ProspectFacts,
    today: date,
    settings: CoachSettings = DEFAULT_SETTINGS,
) -> str:
    """The tactic's talk track, ready to send for this prospect."""
    return render(tactic.talk_track, prospect, today=today, settings=settings)


@dataclass(frozen=True, slots=True)
class TacticCard:
    """Everything a rep sees for one tactic, rendered for one prospect."""

    tactic: Tactic
    what_to_do: str
    talk_track: str
    homework: str
    credit: str


def tactic_card(
    tactic: Tactic,
    prospect: ProspectFacts,
    today: date,
    settings: CoachSettings = DEFAULT_SETTINGS,
) -> TacticCard:
    return TacticCard(
        tactic=tactic,
        what_to_do=render(tactic.what_to_do, prospect, today=today, settings=settings),
        talk_track=render_tactic(tactic, prospect, today, settings),
        homework=render_tactic(HOMEWORK, prospect, today, settings),
        credit=tactic.source.credit,
    )
