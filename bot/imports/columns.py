"""Our own export's CSV columns: defined once, written by the exporter, read by the importer.

`EXPORT_HEADERS` is the header row in order; `EXPORT_FIELDS` maps each header to the
prospect attribute it carries (Owner is the rep's Slack user id, not an attribute).
"""

from __future__ import annotations

EXPORT_HEADERS: tuple[str, ...] = (
    "Name",
    "Company",
    "Email",
    "Phone",
    "Situation",
    "Stated reason",
    "Competitor",
    "Missing feature",
    "Contract end",
    "Decision date",
    "Proposal sent",
    "Proposal expires",
    "Referrer",
    "Note",
    "Status",
    "Next touch",
    "Last touch",
    "Last learned",
    "Owner",
)

# Header → Prospect attribute; "Owner" is special (the owner's Slack user id).
EXPORT_FIELDS: dict[str, str] = {
    "Name": "name",
    "Company": "company",
    "Email": "email",
    "Phone": "phone",
    "Situation": "situation",
    "Stated reason": "stated_reason",
    "Competitor": "competitor",
    "Missing feature": "missing_feature",
    "Contract end": "contract_end",
    "Decision date": "decision_date",
    "Proposal sent": "proposal_sent_on",
    "Proposal expires": "proposal_expires_on",
    "Referrer": "referrer",
    "Note": "note",
    "Status": "status",
    "Next touch": "next_touch_on",
    "Last touch": "last_touch_on",
    "Last learned": "last_learned",
}
OWNER_HEADER = "Owner"
# Headers whose cells are ISO dates (YYYY-MM-DD).
DATE_HEADERS: frozenset[str] = frozenset(
    {
        "Contract end",
        "Decision date",
        "Proposal sent",
        "Proposal expires",
        "Next touch",
        "Last touch",
    }
)

# A spreadsheet runs a cell starting with one of these as a formula: the exporter writes
# such cells with a leading apostrophe, and the importer takes it off again.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@")


def guard_cell(text: str) -> str:
    """`text` made inert for spreadsheets: a leading ' before a formula start.

    A value that already starts with apostrophes before a formula start gets one more, so
    `unguard_cell` gives back exactly what was exported.
    """
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def unguard_cell(text: str) -> str:
    """The value `guard_cell` protected: one leading ' taken off again, nothing else."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text
