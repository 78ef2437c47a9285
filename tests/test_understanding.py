"""The engine against the labelled question set in tests/data/questions.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.engine import Conversation, Engine
from bot.intents import Intent
from bot.render import render_plain

QUESTIONS = Path(__file__).parent / "data" / "questions.yaml"
REQUIRED_ACCURACY = 0.97


@dataclass(frozen=True)
class Outcome:
    ask: str
    expected: dict[str, Any]
    intent: str
    authority: str | None
    reply: str

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


def _conversations() -> list[list[dict[str, Any]]]:
    items = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [item.get("conversation", [item]) for item in items]


def run_question_set(engine: Engine) -> list[Outcome]:
    outcomes = []
    for turns in _conversations():
        conversation = Conversation()
        for turn in turns:
            reply = engine.answer(turn["ask"], conversation)
            outcomes.append(
                Outcome(turn["ask"], turn, reply.intent, reply.authority, render_plain(reply))
            )
    return outcomes


@pytest.fixture(scope="module")
def outcomes(engine: Engine) -> list[Outcome]:
    return run_question_set(engine)


def test_the_question_set_is_large_and_covers_every_intent() -> None:
    turns = [turn for conversation in _conversations() for turn in conversation]
    assert len(turns) >= 250
    assert {turn["intent"] for turn in turns} == {intent.value for intent in Intent}


def test_at_least_97_percent_of_questions_are_answered_correctly(outcomes: list[Outcome]) -> None:
    wrong = [outcome for outcome in outcomes if outcome.problems]
    accuracy = 1 - len(wrong) / len(outcomes)
    report = "\n".join(f"{o.ask!r}: {'; '.join(o.problems)}" for o in wrong)
    assert accuracy >= REQUIRED_ACCURACY, f"accuracy {accuracy:.3f}; wrong:\n{report}"


def test_no_off_topic_question_is_answered_as_if_on_topic(outcomes: list[Outcome]) -> None:
    off_topic = [o for o in outcomes if o.expected["intent"] == Intent.UNKNOWN]
    assert off_topic
    answered = [o.ask for o in off_topic if o.intent != Intent.UNKNOWN or o.authority]
    assert answered == []
