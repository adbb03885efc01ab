"""The tactics themselves: what each is for, what the rep does, the talk track, the source.

Every text here is written in Revive's own words; each tactic credits the article it comes
from. Talk tracks are templates for bot.coach.rendering: `{placeholder}` fields and
`[optional segments]`. Where a tactic is offered, and in which order, is bot.coach.fits.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.coach.fits import FITS, Lane
from bot.coach.sources import AYLING, ROSEN_CLOSED_DOORS, ROSEN_SIX_WAYS, SLIFE, USZYNSKI, Source
from bot.domain import EventKind, Situation


@dataclass(frozen=True, slots=True)
class Tactic:
    """What a tactic is. Where the coach offers it, and in which order, is FITS below."""

    id: str
    title: str  # a Slack button label: at most 30 characters
    purpose: str  # one line
    source: Source
    what_to_do: str  # for the rep
    talk_track: str  # draft for the prospect, a template
    cadence_days: int  # usual gap to the next touch; the workspace settings drive real dates
    event: EventKind | None = None  # the event that puts it first

    # Derived from FITS on every read, so the table stays the one source (and a test
    # that changes the table sees these change with it).
    @property
    def situations(self) -> frozenset[Situation]:
        """The situations where the coach offers it, in any lane."""
        return frozenset(
            situation
            for situation, lanes in FITS.items()
            if any(self.id in ids for ids in lanes.values())
        )

    @property
    def sequence_step(self) -> int | None:
        """Its place in the went-quiet sequence (1-based), None outside it."""
        steps = FITS.get(Situation.WENT_QUIET, {}).get(Lane.SEQUENCE, ())
        return steps.index(self.id) + 1 if self.id in steps else None


def _tactics(*tactics: Tactic) -> dict[str, Tactic]:
    return {t.id: t for t in tactics}


TACTICS: dict[str, Tactic] = _tactics(
    Tactic(
        id="real_reason",
        title="Find the real reason",
        purpose="Get past the polite excuse to what actually stopped the deal.",
        source=ROSEN_SIX_WAYS,
        what_to_do=(
            "Don't re-pitch. Ask about their goals for this year and what still gets in "
            "their way today, then what would have to be different about us for a second "
            "look to be worth their time. Price, budget and timing are often the "
            "comfortable answer, not the true one: listen for what sits underneath."
        ),
        talk_track=(
            "Hi {first_name},\n\n"
            "I'm not writing to reopen the proposal. [Last time you mentioned “{stated_reason}”, "
            "and I suspect that wasn't the whole story. ]I'd simply like "
            "to understand what matters most to {company} this year and what still slows "
            "your team down. Picture how this should work a year from now: what's "
            "different from today? And what would have to be true about us for another "
            "conversation to be worth your time?"
        ),
        cadence_days=30,
    ),
    Tactic(
        id="homework",
        title="Do your homework",
        purpose="Prepare so the contact brings them something, not just a nudge.",
        source=ROSEN_SIX_WAYS,
        what_to_do=(
            "Before any contact: read their latest news, press releases and reports; see "
            "where they stand against their rivals and how that moved; think through what "
            "changes in their market, the economy or technology will ask of them next; and "
            "note which of those problems we solve, including the ones they haven't "
            "spotted yet. Re-read why the deal stalled."
        ),
        talk_track=(
            "Before you reach out[ to {first_name}]:\n"
            "• What changed at their company since you last spoke: news, hires, results?\n"
            "• What is shifting in their market that they will have to answer?\n"
            "• Which of those problems do we solve, and for which similar customer?"
            "[\n• Last thing you learned: {last_learned}.]"
        ),
        cadence_days=0,
    ),
    Tactic(
        id="new_ideas",
        title="Get their attention",
        purpose="Give them one strong, new reason to talk again, framed as results.",
        source=ROSEN_CLOSED_DOORS,
        what_to_do=(
            "Write a short note, or open a call, around one idea that would make a visible "
            "difference for them, stated as the result they would see. One idea, not a "
            "brochure, and specific to their business."
        ),
        talk_track=(
            "Hi {first_name},\n\n"
            "One idea keeps coming back to me since we spoke: there is a concrete way "
            "{company} could get more out of what your team already does, and I can show "
            "the numbers behind it. Would fifteen minutes next week be worth it? If it "
            "misses the mark, say so and I'll drop it."
        ),
        cadence_days=30,
    ),
    Tactic(
        id="be_a_resource",
        title="Be a resource",
        purpose="Bring something useful and relevant, never a bare “just checking in”.",
        source=ROSEN_CLOSED_DOORS,
        what_to_do=(
            "Pick one thing worth their time: a result a similar client got, a change in "
            "their industry, a useful guide, or an extra we can now include at no added "
            "cost. Say why it applies to them. Never call only to ask whether anything "
            "changed."
        ),
        talk_track=(
            "Hi {first_name},\n\n"
            "A client in a position much like {company}'s just got a result I think you'd "
            "want to hear about, and I'm happy to share how they did it. No pitch "
            "attached: if it's useful, great, and if the timing is wrong, keep it for later."
        ),
        cadence_days=91,
    ),
    Tactic(
        id="measurable_results",
        title="Sell measurable results",
        purpose="Put a number on what changes for them: time, cost, risk or effort.",
        source=ROSEN_CLOSED_DOORS,
        what_to_do=(
            "Lead with an outcome you can quantify: hours saved, overhead cut, money kept, "
            "fewer headaches. Base it on why existing customers actually bought; ask a "
            "couple of them if you aren't sure. Their reasons, not our feature list."
        ),
        talk_track=(
            "Hi {first_name},\n\n"
            "Teams like yours at {company} tell us the biggest change after working with us "
            "shows up in hard numbers: the hours they get back each month and what they no "
            "longer spend. From a few figures I can put together a rough estimate for your "
            "team. Would that be useful?"
        ),
        cadence_days=30,
    ),
    Tactic(
        id="permission_to_say_no",
        title="Permission to say no",
        purpose="Make “no” a welcome answer so they tell you where things really stand.",
        source=SLIFE,
        what_to_do=(
            "When they resurface, or a new contact takes over, agree on the ground rules: "
            "a clear no is fine and saves everyone time, and you'd like to hear it as soon "
            "as they feel it isn't a fit. Keep this relaxed tone in every went-quiet message."
        ),
        talk_track=(
            "Hi {first_name},\n\n"
            "Good to be in touch. One request before we go further: whenever you feel this "
            "isn't right for {company}, say so. A straight no is a perfectly good answer, "
            "and I'd much rather hear it than guess. Does that sound fair?"
        ),
        cadence_days=14,
    ),
    Tactic(
        id="voicemail_email",
        title="Voicemail, then email",
        purpose="Make replying easy: a short voicemail pointing to an email they can answer fast.",
        source=SLIFE,
        what_to_do=(
            "Call once. On voicemail, keep it under twenty seconds and say an email is on "
            "its way. The email reminds them they asked for the follow-up (when, and about "
            "what), says your calls haven't connected and that you don't want to crowd "
            "them, and asks whether anything changed so you know when to try again. "
            "Make “not now” easy to say."
        ),
        talk_track=(
            "Voicemail: Hi {first_name}, quick one: I'm sending you a short email now, "
            "and a one-line reply is plenty.\n\n"
            "Email: Hi {first_name},\n\n"
            "You'd asked me to come back to you, and I've tried your "
            "phone a few times without luck. I don't want to fill your inbox, so one quick "
            "question: has anything changed on your side? Whether it's “next quarter” or "
            "“not any more”, a word back tells me how to handle it."
        ),
        cadence_days=4,
    ),
    Tactic(
        id="did_i_offend",
        title="Did I do something wrong?",
        purpose="A short, honest question that often gets a reply when nothing else has.",
        source=SLIFE,
        what_to_do=(
            "Two or three sentences, no attachment, no pitch. Recall that they asked you to "
            "follow up and that a few tries went unanswered, then ask plainly whether "
            "something you did put them off. Mean it: if the answer is yes, fix it."
        ),
        talk_track=(
            "Hi {first_name},\n\n"
            "It has gone quiet since you asked me to come back to you, and a few of my "
            "messages are still waiting. Honest question: did I say or do something that "
            "didn't sit well? If so, I'd rather hear it and make it right."
        ),
        cadence_days=4,
    ),
    Tactic(
        id="copy_referrer",
        title="Copy the referrer",
        purpose="Loop in the person who introduced you, gently, never at the contact's expense.",
        source=SLIFE,
        what_to_do=(
            "Send the next email with the referrer in copy; it carries most weight when "
            "they are the contact's manager. Keep it warm and factual: thank the referrer "
            "for the introduction and don't complain about the silence."
        ),
        talk_track=(
            "Hi {first_name}[ (copying {referrer}, who kindly introduced us)],\n\n"
            "[Since the introduction came through {referrer}, I wanted to keep them in the "
            "loop. ]We had talked about next steps for {company}, and I haven't managed to "
            "reach you since. If the timing has changed, or someone else looks after this "
            "now, just tell me who to speak with."
        ),
        cadence_days=4,
    ),
    Tactic(
        id="final_notice",
        title="Final notice: close the file",
        purpose="One last polite message with a deadline that closes the loop.",
        source=SLIFE,
        what_to_do=(
            "Say they asked you to stay in touch, that your messages went unanswered, that "
            "the proposal had a validity date, and that you are therefore closing their "
            "file. Stay friendly and leave the door open. Afterwards the coach asks whether "
            "to walk away. From now on, give every proposal an end date: it creates urgency "
            "and doesn't tie you to an old price."
        ),
        talk_track=(
            "Hi {first_name},\n\n"
            "You'd asked me to stay in touch, and my last few messages haven't found you at "
            "a good moment. [The proposal I sent was valid until {proposal_expiry}, so ]I'm "
            "taking {company} off my active list for now. If things change, a reply to this "
            "email is all it takes to pick it back up."
        ),
        cadence_days=4,
    ),
    Tactic(
        id="feature_now_available",
        title="Call with the feature news",
        purpose="The capability they were missing now exists: be the first to tell them.",
        source=USZYNSKI,
        what_to_do=(
            "Call the same day if you can. Recall what they needed and why, tell them it is "
            "available now, and offer a short demo on their own use case. Email only if the "
            "call doesn't connect."
        ),
        talk_track=(
            "Hi {first_name},\n\n"
            "When we last spoke, {company} needed {feature} and we couldn't offer it. It is "
            "available now, and you were the first person I wanted to tell. Could I show you "
            "how it works on your own use case this week?"
        ),
        cadence_days=14,
        event=EventKind.FEATURE_SHIPPED,
    ),
    Tactic(
        id="before_renewal",
        title="Beat the renewal",
        purpose="Reach them before the competitor's contract rolls over, while they still choose.",
        source=USZYNSKI,
        what_to_do=(
            "Call well before the end date. Don't attack the incumbent: offer to help them "
            "compare options so the renewal is a decision, not a default. Ask who is "
            "involved and when they will decide."
        ),
        talk_track=(
            "Hi {first_name},\n\n"
            "Your current agreement[ with {competitor}] comes up for renewal[ on "
            "{contract_end}]. Before it rolls over by default, would it help to weigh your "
            "options side by side? I'm glad to do the legwork so {company} can decide with "
            "the facts in hand, whichever way you go."
        ),
        cadence_days=30,
    ),
    Tactic(
        id="periodic_checkin",
        title="Frustrated-customer check-in",
        purpose="Check back every few months: their patience with the provider may have run out.",
        source=USZYNSKI,
        what_to_do=(
            "Ask how things are going with their provider and listen; don't pile on. If "
            "the frustration has grown, offer a concrete next step. Bring something useful "
            "too (see Be a resource) so the call is worth their time either way."
        ),
        talk_track=(
            "Hi {first_name},\n\n"
            "Last time we talked, things with {competitor} weren't quite where you wanted "
            "them. How has it been since? If it has improved, great. If not, I'd be glad to "
            "show you what a switch would really involve for {company}."
        ),
        cadence_days=150,
    ),
    Tactic(
        id="land_a_slice",
        title="Land a slice of the business",
        purpose="If the whole account is out of reach, win one team, site or product line.",
        source=USZYNSKI,
        what_to_do=(
            "Keep in touch with each decision maker, not just one. Look for a piece you can "
            "win now: a region, a department, a pilot, a second-supplier role. Time it with "
            "their budget or cost-review cycle."
        ),
        talk_track=(
            "Hi {first_name},\n\n"
            "I know a full change at {company} is a big decision and not one for this "
            "quarter. Would it make sense to start smaller, with one team or one site, so "
            "you can judge us on real results before anything larger? I'd be glad to scope "
            "it with you."
        ),
        cadence_days=91,
    ),
    Tactic(
        id="competitor_trouble",
        title="Be there when they stumble",
        purpose="When their provider hits trouble, offer help, never gossip.",
        source=USZYNSKI,
        what_to_do=(
            "Don't mention the news and never repeat rumours. Name the concrete business "
            "problem that brought that provider's customers to us, and offer yourself as a "
            "resource if they ever want to look at alternatives."
        ),
        talk_track=(
            "Hi {first_name},\n\n"
            "Several teams that worked with {competitor} have moved to us lately, mostly "
            "over problems they couldn't get resolved. I don't know whether any of that "
            "touches {company}, but if you ever want an outside view of your options, I'm "
            "here, no strings attached."
        ),
        cadence_days=14,
        event=EventKind.COMPETITOR_NEWS,
    ),
    Tactic(
        id="how_did_it_go",
        title="Ask how delivery went",
        purpose="Weeks after the rival delivered, ask how it measures up: about them, not it.",
        source=USZYNSKI,
        what_to_do=(
            "Call the decision maker. Ask how the service and the quality have held up "
            "against what they expected. Keep every question about their needs and "
            "results; don't fish for complaints about the competitor."
        ),
        talk_track=(
            "Hi {first_name},\n\n"
            "It has been a few weeks since {company} went live with {competitor}, and I hope "
            "it's going well. I'm curious: has it delivered what you were counting on, in "
            "service as well as in results? Is there anything you'd still like to improve?"
        ),
        cadence_days=42,
    ),
    Tactic(
        id="no_pressure",
        title="Take the pressure off",
        purpose="Assume the answer is no so they can reply without losing face.",
        source=AYLING,
        what_to_do=(
            "If the phone doesn't reach them, leave a short voicemail saying an email "
            "follows and asking them to open it. In the email, assume they won't go ahead: "
            "thank them, accept that now may not be right, and say you'll be glad to talk "
            "whenever they are ready. No deadline, no guilt. A reply often comes from the "
            "contact, or from a colleague saying they left and who took over."
        ),
        talk_track=(
            "Voicemail: Hi {first_name}, I've sent you a short note by email. It needs "
            "nothing from you, but I'd be grateful if you'd open it.\n\n"
            "Email: Hi {first_name},\n\n"
            "Thanks for everything you've shared with me so far. My guess is that going "
            "ahead isn't on the cards for {company} right now, and that's absolutely fine, "
            "no explanation needed. Whenever it does make sense, I'll be glad to pick things "
            "up from wherever you are."
        ),
        cadence_days=4,
    ),
)

HOMEWORK: Tactic = TACTICS["homework"]
