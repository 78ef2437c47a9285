"""The labelled question sets and how they are scored: one place for the 97% test
(tests/unit/test_understanding.py) and the scoring script (scripts/score_questions.py).

A question is answered correctly when the reply's intent and authority are the labelled ones and
every `expect` fact is in the reply's text (not in its source line).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.replies.render import render_plain
from bot.understanding.conversation import Conversation
from bot.understanding.intents import Intent
from tests.conftest import Ask

DATA = Path(__file__).parent / "data"
# The sets the engine is held to: those written with it, and those written blind (held_out/).
QUESTION_SETS = sorted(
    [*DATA.glob("questions*.yaml"), *(DATA / "held_out").glob("questions*.yaml")]
)


@dataclass(frozen=True)
class Outcome:
    ask: str
    expected: dict[str, Any]
    intent: str
    authority: str | None
    reply: str

    @property
    def kind(self) -> str:
        """The kind of question the set labels it with, else the intent it expects."""
        return str(self.expected.get("kind", self.expected["intent"]))

    @property
    def problems(self) -> list[str]:
        found = []
        if self.intent != self.expected["intent"]:
            found.append(f"intent {self.intent} != {self.expected['intent']}")
        if self.authority != self.expected.get("authority"):
            found.append(f"authority {self.authority} != {self.expected.get('authority')}")
        for fact in self.expected.get("expect", []):
            if fact.casefold() not in self.reply.casefold():
                found.append(f"reply lacks {fact!r}")
        return found

    @property
    def off_topic_answered(self) -> bool:
        """An off-topic question answered as if it were on topic (or about a council)."""
        return self.expected["intent"] == Intent.UNKNOWN and (
            self.intent != Intent.UNKNOWN or self.authority is not None
        )


@functools.cache
def conversations(path: Path) -> list[list[dict[str, Any]]]:
    """A set's conversations, each a list of turns (a lone question is a conversation of one).
    Read once: several tests look at each set, and parsing YAML is most of their time."""
    # libyaml's safe loader where PyYAML has it: the sets are over a thousand questions.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    items = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    return [item.get("conversation", [item]) for item in items]


def run_question_set(ask: Ask, path: Path) -> list[Outcome]:
    outcomes = []
    for turns in conversations(path):
        conversation = Conversation()
        for turn in turns:
            reply = ask(turn["ask"], conversation)
            # Facts are looked for in the answer, not in its source line ("… as of 2013").
            answer = render_plain(reply.model_copy(update={"citation": None}))
            outcomes.append(Outcome(turn["ask"], turn, reply.intent, reply.authority, answer))
    return outcomes


def accuracy_by_kind(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """For each kind of question: how many were answered correctly, of how many."""
    tally: dict[str, tuple[int, int]] = {}
    for outcome in outcomes:
        right, asked = tally.get(outcome.kind, (0, 0))
        tally[outcome.kind] = (right + (not outcome.problems), asked + 1)
    return dict(sorted(tally.items()))


def kind_table(tally: dict[str, tuple[int, int]]) -> str:
    return "\n".join(
        f"  {kind:<14} {right:>4}/{asked:<4} {right / asked:6.1%}"
        for kind, (right, asked) in tally.items()
    )
