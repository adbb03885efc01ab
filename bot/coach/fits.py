"""Which tactics fit which situation, and in which order: FITS, the one source of fit."""

from __future__ import annotations

from enum import StrEnum

from bot.domain import Situation


class Lane(StrEnum):
    """One ordered list of tactics in a situation; bot.coach.select picks the lane for today
    and starts after the tactic used last time."""

    SEQUENCE = "sequence"  # went quiet and still silent: strictly one step after another
    TALKING = "talking"  # went quiet, then answered again (or a successor took over)
    SLOW = "slow"  # went quiet, sequence finished, the rep kept going
    OPENER = "opener"  # offered first until it has been used once
    ROTATION = "rotation"  # the usual rotation
    RENEWAL_WINDOW = "renewal_window"  # a contract inside the lead time before it ends
    NEWS = "news"  # the event tactic that brings these prospects back (see below)


# Which tactics fit which situation, and in which order: the one source for selection
# (bot.coach.select) and for Tactic.situations / Tactic.sequence_step.
# - The position in the went-quiet SEQUENCE is the step number stored on each prospect:
#   append a new step rather than insert one, or prospects already under way jump a step.
#   copy_referrer is skipped when no referrer is known (bot.coach.state).
# - NEWS is what the situation is waiting for; a matching event puts its tactic first
#   whatever the situation (EVENT_TACTICS), so selection never reads this lane.
# - homework is in no lane: it is the preparation card shown with every tactic.
FITS: dict[Situation, dict[Lane, tuple[str, ...]]] = {
    Situation.WENT_QUIET: {
        Lane.SEQUENCE: (
            "no_pressure",
            "voicemail_email",
            "did_i_offend",
            "copy_referrer",
            "final_notice",
        ),
        Lane.TALKING: ("permission_to_say_no", "real_reason", "be_a_resource"),
        Lane.SLOW: ("be_a_resource", "new_ideas"),
    },
    Situation.SAID_NO: {
        Lane.OPENER: ("real_reason",),
        Lane.ROTATION: ("new_ideas", "be_a_resource", "measurable_results"),
    },
    Situation.MISSING_FEATURE: {
        Lane.ROTATION: ("be_a_resource", "real_reason"),
        Lane.NEWS: ("feature_now_available",),
    },
    Situation.COMPETITOR_CONTRACT: {
        Lane.RENEWAL_WINDOW: ("before_renewal", "be_a_resource"),
        Lane.ROTATION: ("be_a_resource", "before_renewal"),  # outside the renewal window
        Lane.NEWS: ("competitor_trouble",),
    },
    Situation.UNHAPPY_WITH_PROVIDER: {
        Lane.ROTATION: ("periodic_checkin", "be_a_resource", "measurable_results"),
        Lane.NEWS: ("competitor_trouble",),
    },
    Situation.BIG_COMPANY: {
        Lane.ROTATION: ("land_a_slice", "new_ideas", "measurable_results", "be_a_resource"),
    },
    Situation.CHOSE_COMPETITOR: {
        Lane.ROTATION: ("how_did_it_go", "real_reason", "be_a_resource"),
        Lane.NEWS: ("competitor_trouble",),
    },
}
