"""Subscribing and unsubscribing are never swapped, however freely they are asked and however
many negations they carry. Each pair: a request to be reminded beside its mirror, a request to
stop, written as people write them (not taken from any question set)."""

from __future__ import annotations

import pytest

from bot.scopes import ALL
from bot.understanding.engine import Engine
from bot.understanding.requests import Subscribe, Unsubscribe

# (subscribe, unsubscribe): the same request turned round.
MIRRORED = [
    ("remind me about Suffolk events", "stop reminding me about Suffolk events"),
    ("please remind me of Lincs dates", "please don't remind me of Lincs dates"),
    ("subscribe me to Staffs", "unsubscribe me from Staffs"),
    ("sign me up for Swansea", "take me off Swansea"),
    ("keep me posted on East Riding", "stop keeping me posted on East Riding"),
    ("keep me in the loop on Lincs", "take me out of the loop on Lincs, no more alerts"),
    ("keep me updated about Suffolk", "don't keep me updated about Suffolk"),
    ("i want reminders for Staffordshire", "i don't want reminders for Staffordshire"),
    ("I would like Swansea notifications", "I would not like Swansea notifications"),
    ("notify me about Lincolnshire", "do not notify me about Lincolnshire"),
    ("alert me to Suffolk training", "don't alert me to Suffolk training"),
    ("message me when Staffs has an event", "don't message me when Staffs has an event"),
    ("don't stop reminding me about Swansea", "stop reminding me about Swansea"),
    ("never stop the Lincs reminders", "stop the Lincs reminders"),
    ("don't cancel my Suffolk reminders", "cancel my Suffolk reminders"),
    ("please don't unsubscribe me from Staffs", "please unsubscribe me from Staffs"),
    ("don't mute Swansea", "mute Swansea"),
    ("do not turn off the East Riding alerts", "turn off the East Riding alerts"),
    ("turn on Lincs alerts", "turn off Lincs alerts"),
    ("switch on reminders for Suffolk", "switch off reminders for Suffolk"),
    ("follow Staffordshire", "unfollow Staffordshire"),
    ("I'd like to follow Swansea", "I'd like to unfollow Swansea"),
    ("add me to the Lincs reminders", "remove me from the Lincs reminders"),
    ("put me on the Suffolk reminders", "delete me from Suffolk reminders"),
    ("make sure I hear about Staffs dates", "I no longer need to hear about Staffs dates"),
    ("let me know about Swansea events", "I've had enough of the Swansea alerts"),
    ("I don't want to miss any Lincs events", "I don't want any more Lincs reminders"),
    ("don't let me miss Suffolk events", "no more Suffolk reminders"),
    ("I'd hate to miss the Staffs training", "I'd hate to get more Staffs reminders"),
    ("never let me miss a Swansea session", "never remind me about Swansea again"),
    ("I keep missing the Lincs events, remind me", "I'm fed up with the Lincs reminders"),
    ("ping me about Suffolk", "stop pinging me about Suffolk"),
    ("email me about Staffs", "stop emailing me about Staffs"),
    ("I do want Swansea reminders", "I do not want Swansea reminders"),
    ("I'm not saying stop the Lincs alerts", "I'm saying stop the Lincs alerts"),
    ("I don't not want Suffolk reminders", "I don't want Suffolk reminders"),
    ("it's not that I don't want Staffs alerts", "it's not that I want Staffs alerts"),
    ("no, don't stop the Swansea notifications", "stop the Swansea notifications"),
    ("I can't do without Lincs reminders", "I can do without Lincs reminders"),
    ("I'm sick of missing Suffolk events", "I'm sick of the Suffolk alerts"),
    ("give me a heads up about Staffs", "spare me the Staffs alerts"),
    ("could you remind me about Swansea", "could you stop reminding me about Swansea"),
    ("can I get Lincs reminders", "can I quit Lincs reminders"),
    ("reminders for suffolk plz", "no reminders for suffolk plz"),
    ("remind me abt staffs pls", "dont remind me abt staffs pls"),
    ("REMIND ME ABOUT SWANSEA", "STOP REMINDING ME ABOUT SWANSEA"),
    ("lincs reminders still needed", "lincs reminders no longer needed"),
    ("resume the Suffolk reminders", "pause the Suffolk reminders"),
    ("I need the Staffs reminders", "I no longer need the Staffs reminders"),
    ("I still want Swansea updates", "I don't want Swansea updates any more"),
    ("sign up to Lincs reminders", "opt out of Lincs reminders"),
    ("sub me to Suffolk reminders", "unsub me from Suffolk"),
    ("I want to be notified about Staffs", "I don't want to be notified about Staffs"),
    ("remind me when Swansea has training", "don't bother reminding me when Swansea has training"),
    ("text me about Lincs events", "stop texting me about Lincs events"),
    ("please subscribe me to Suffolk again", "please cancel my Suffolk subscription"),
    ("set up reminders for Staffs", "disable the reminders for Staffs"),
    ("I'd love Swansea reminders", "I'd love it if the Swansea reminders stopped"),
    ("keep the Lincs alerts coming", "block the Lincs alerts"),
    ("don't drop me from Suffolk reminders", "drop me from Suffolk reminders"),
    ("not unsubscribing from Staffs, remind me", "unsubscribing from Staffs, don't remind me"),
    ("without fail remind me about Swansea", "silence the Swansea reminders"),
    ("give me a nudge before Suffolk events", "take Suffolk off my list"),
    ("warn me before Lincs events", "Lincs alerts off please"),
    ("keep me in mind for Staffs events", "that's enough now, no more Staffs alerts"),
]

COUNCILS = {
    "suffolk": "SFK",
    "lincs": "LIN",
    "lincolnshire": "LIN",
    "staffs": "STS",
    "staffordshire": "STS",
    "swansea": "SWA",
    "east riding": "ERY",
}


def _council_in(text: str) -> str:
    lowered = text.lower()
    return next(code for name, code in COUNCILS.items() if name in lowered)


def test_at_least_sixty_phrasings_are_mirrored_each_way() -> None:
    assert len(MIRRORED) >= 60
    assert len({pair[0] for pair in MIRRORED}) == len({pair[1] for pair in MIRRORED})


@pytest.mark.parametrize(("text", "mirror"), MIRRORED, ids=[pair[0] for pair in MIRRORED])
def test_a_request_to_be_reminded_subscribes(engine: Engine, text: str, mirror: str) -> None:
    request = engine.understand(text).request
    assert request == Subscribe(_council_in(text)), mirror


@pytest.mark.parametrize(("mirror", "text"), MIRRORED, ids=[pair[1] for pair in MIRRORED])
def test_its_mirror_unsubscribes(engine: Engine, mirror: str, text: str) -> None:
    request = engine.understand(text).request
    assert request == Unsubscribe(_council_in(text)), mirror


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I don't want to miss anything", Subscribe(ALL)),
        ("remind me of everything", Subscribe(ALL)),
        ("no more reminders thanks", Unsubscribe(ALL)),
        ("I don't want these any more", Unsubscribe(ALL)),
        ("stop all the alerts", Unsubscribe(ALL)),
    ],
)
def test_a_request_naming_no_council_is_about_every_reminder(
    engine: Engine, text: str, expected: Subscribe | Unsubscribe
) -> None:
    assert engine.understand(text).request == expected


@pytest.mark.parametrize(
    "text",
    [
        "not sure which councils there are, but remind me about Suffolk",
        "no idea who trains them, just remind me about Suffolk",
    ],
)
def test_a_negation_about_something_else_does_not_turn_a_request_round(
    engine: Engine, text: str
) -> None:
    assert engine.understand(text).request == Subscribe("SFK")
