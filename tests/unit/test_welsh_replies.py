"""Answering in Welsh: every reply the bot composes, to every labelled question, to each
button and command, leaves no English template text (only the source's quotes, which stay in
English); which language a chat gets; /language kept per chat and forgotten by /forget."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
import yaml

from bot.actions import language as languages
from bot.actions import subscriptions as subscribing
from bot.actions.asking import QUESTIONS, answer, answer_in_console, console_answer
from bot.actions.chat import (
    Turn,
    choose_language,
    command,
    forget_chat,
    offer_languages,
    press,
    respond,
)
from bot.actions.chat import welcome as welcome_chat
from bot.actions.services import Services
from bot.languages import Language
from bot.replies.calendar import event_ics
from bot.replies.current import KnowledgeView
from bot.replies.render import render_plain
from bot.replies.reply import Reply
from bot.scopes import ALL
from bot.understanding.conversation import Conversation
from bot.understanding.engine import Engine, Understanding
from bot.understanding.intents import Intent
from knowledge.base import Knowledge
from tests.conftest import FIXED_NOW, LONDON
from tests.english_left import english_left

DATA = Path(__file__).parents[1] / "data"
QUESTION_SETS = ("questions.yaml", "questions_people.yaml", "questions_compare.yaml")
CHAT = 42


async def allowed() -> bool:
    return True


def _questions() -> list[str]:
    return [
        turn["ask"]
        for name in QUESTION_SETS
        for item in yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
        for turn in item.get("conversation", [item])
    ]


def _welsh(view: KnowledgeView) -> KnowledgeView:
    return view.speaking(Language.WELSH)


def test_every_labelled_question_is_answered_in_welsh_without_english_template_text(
    view: KnowledgeView,
) -> None:
    left = {}
    for question in _questions():
        reply = answer_in_console(view, question, Conversation(), FIXED_NOW, Language.WELSH)
        if found := english_left(render_plain(reply)):
            left[question] = found
    assert left == {}


def test_every_button_about_every_adopter_is_answered_in_welsh(view: KnowledgeView) -> None:
    welsh = _welsh(view)
    left = {}
    for authority in view.knowledge.authorities:
        for intent in (
            Intent.OVERVIEW,
            Intent.STAGE,
            Intent.TRAINERS,
            Intent.PEOPLE,
            Intent.EVENTS,
            Intent.COUNT,
        ):
            request = welsh.engine.request_for(intent, authority.council)
            assert isinstance(request, QUESTIONS)
            reply = answer(welsh, request, FIXED_NOW, 1.0)
            text = render_plain(reply) + " ".join(c.label for c in reply.actions)
            if found := english_left(text):
                left[(authority.id, intent)] = found
    assert left == {}


def test_the_welcome_help_and_the_stage_labels_are_welsh(view: KnowledgeView) -> None:
    welsh = _welsh(view)
    for reply in (welsh.help.welcome(), welsh.help.help(), welsh.network.about()):
        assert english_left(render_plain(reply)) == []
    text = render_plain(welsh.help.help())
    assert "/language" in text
    assert "/iaith" in text
    assert "ENW" in text
    listing = render_plain(welsh.network.listing())
    assert "Gweithredu cynnar" in listing
    assert "Early implementation" not in listing


def test_the_about_text_names_the_source_by_its_welsh_title_and_publisher(
    view: KnowledgeView,
) -> None:
    source = view.knowledge.sources[view.knowledge.network.source]
    assert source.title_cy is not None
    assert source.publisher_cy is not None
    [_, said, *_] = _welsh(view).network.about().blocks
    text = render_plain(Reply(intent=Intent.ABOUT, blocks=(said,)))
    assert f"{source.title_cy} (cyhoeddwr: {source.publisher_cy};" in text
    assert source.publisher not in text


@pytest.mark.parametrize(
    ("question", "language", "command"),
    [
        ("tanysgrifio i Fro Morgannwg", Language.WELSH, "/subscribe bro morgannwg"),
        (
            "subscribe to the Vale of Glamorgan",
            Language.ENGLISH,
            "/subscribe the vale of glamorgan",
        ),
        ("tanysgrifio i Abertawe", Language.WELSH, "/subscribe swansea"),
    ],
)
def test_the_consoles_subscription_hint_names_the_council_as_the_language_does(
    view: KnowledgeView, question: str, language: Language, command: str
) -> None:
    reply = answer_in_console(view, question, Conversation(), FIXED_NOW, language)
    assert command in render_plain(reply)


def test_welsh_council_names_come_from_the_register_and_the_records(view: KnowledgeView) -> None:
    welsh = _welsh(view)
    swansea = view.knowledge.authority("swansea")
    assert swansea is not None
    reply = welsh.councils.overview(swansea)
    assert reply.title is not None
    assert "Abertawe" in reply.title
    assert "Abertawe" in [choice.label for choice in welsh.help.welcome().actions]


def test_english_replies_are_what_they_always_were(view: KnowledgeView) -> None:
    reply = answer_in_console(view, "who trains Lincs?", Conversation(), FIXED_NOW)
    assert render_plain(reply).endswith(
        "Source: Signs of Safety UK network, implementing local authorities (as of December 2013)"
    )


@pytest.mark.parametrize(
    ("written_in", "chosen", "language_code", "answered_in"),
    [
        (Language.WELSH, Language.ENGLISH, "en", Language.WELSH),
        (Language.WELSH, None, None, Language.WELSH),
        (Language.ENGLISH, Language.WELSH, "en", Language.WELSH),
        (None, Language.ENGLISH, "cy", Language.ENGLISH),
        (None, None, "cy", Language.WELSH),
        (None, None, "cy-GB", Language.WELSH),
        (Language.ENGLISH, None, "cy", Language.WELSH),
        (None, None, "en", Language.ENGLISH),
        (None, None, None, Language.ENGLISH),
    ],
)
async def test_a_chat_is_answered_in_the_messages_welsh_then_its_choice_then_its_app_language(
    services: Services,
    written_in: Language | None,
    chosen: Language | None,
    language_code: str | None,
    answered_in: Language,
) -> None:
    await services.store.set_chat_language(CHAT, chosen)
    said = await languages.chat_language(services, CHAT, language_code, written_in)
    assert said is answered_in


async def test_language_offers_english_and_cymraeg_and_the_choice_is_kept_until_forget(
    services: Services,
) -> None:
    turn = Turn(services, CHAT, Conversation(), allowed, "en")
    offer = await offer_languages(turn)
    assert [(c.label, c.language) for c in offer.languages] == [
        ("English", Language.ENGLISH),
        ("Cymraeg", Language.WELSH),
    ]
    chosen = await choose_language(turn, Language.WELSH)
    assert "Gymraeg" in render_plain(chosen)
    assert await services.store.chat_language(CHAT) is Language.WELSH
    stage = await command(turn, Intent.STAGE, "suffolk")
    assert "Cam: Cynllunio" in render_plain(stage)
    forgotten = await forget_chat(turn)
    assert "Wedi'i wneud" in render_plain(forgotten)
    assert await services.store.chat_language(CHAT) is None
    again = await command(turn, Intent.STAGE, "suffolk")
    assert "Stage: Planning" in render_plain(again)
    back = await choose_language(
        Turn(services, CHAT, Conversation(), allowed, "cy"), Language.ENGLISH
    )
    assert render_plain(back).startswith("Done: I will answer this chat in English")


async def test_a_telegram_app_in_welsh_gets_the_welcome_buttons_and_commands_in_welsh(
    services: Services,
) -> None:
    turn = Turn(services, CHAT, Conversation(), allowed, "cy")
    replies: list[Reply] = [
        await welcome_chat(turn),
        await press(turn, Intent.OVERVIEW, "SWA"),
        await command(turn, Intent.EVENTS, ""),
        await command(turn, Intent.LIST, ""),
        await command(turn, Intent.SUBSCRIBE, ""),
        await command(turn, Intent.SUBSCRIPTIONS, ""),
    ]
    for reply in replies:
        labels = " ".join(c.label for c in (*reply.options, *reply.actions))
        assert english_left(f"{render_plain(reply)} {labels}") == []


async def test_subscribing_in_welsh_keeps_welsh_for_the_chats_reminders(
    services: Services,
) -> None:
    turn = Turn(services, CHAT, Conversation(), allowed, "cy")
    reply = await command(turn, Intent.SUBSCRIBE, "swansea")
    assert render_plain(reply).startswith("Wedi tanysgrifio")
    assert await services.store.chat_language(CHAT) is Language.WELSH


async def test_subscribing_in_english_keeps_no_language(services: Services) -> None:
    turn = Turn(services, CHAT, Conversation(), allowed, "en")
    await command(turn, Intent.SUBSCRIBE, "all")
    assert await services.store.chat_language(CHAT) is None


async def test_refusals_and_unsubscribing_everything_are_said_in_welsh(
    services: Services, view: KnowledgeView
) -> None:
    welsh = _welsh(view)
    await services.store.subscribe(CHAT, ALL, FIXED_NOW)
    reply = await subscribing.unsubscribe(services, welsh, CHAT, ALL, allowed)
    assert render_plain(reply).startswith("Wedi dad-danysgrifio o bopeth (1 tanysgrifiad)")

    async def refused() -> bool:
        return False

    with pytest.raises(subscribing.AdminOnlyError, match="Dim ond gweinyddwyr"):
        await subscribing.unsubscribe(services, welsh, CHAT, ALL, refused)


@pytest.mark.parametrize(
    ("hours", "welsh"),
    [(2 * 24, "ymhen 2 ddiwrnod"), (7 * 24, "ymhen 7 diwrnod"), (0.5, "ymhen 30 munud")],
)
def test_a_welsh_reminder_says_how_soon_as_welsh_counts(
    view: KnowledgeView, hours: float, welsh: str
) -> None:
    [event, *_] = view.knowledge.events
    start = event.period(view.timezone).start
    reply = _welsh(view).events.reminder(event, start - timedelta(hours=hours), late=False)
    assert welsh in render_plain(reply)
    assert english_left(render_plain(reply)) == []


def test_the_console_answers_in_the_language_asked_and_says_which(view: KnowledgeView) -> None:
    welsh = console_answer(view, "who trains Swansea?", Conversation(), FIXED_NOW, Language.WELSH)
    english = console_answer(view, "who trains Swansea?", Conversation(), FIXED_NOW)
    assert (welsh.language, english.language) == (Language.WELSH, Language.ENGLISH)
    assert "Abertawe" in render_plain(welsh.reply)


async def test_a_message_read_as_welsh_is_answered_in_welsh_in_a_chat_that_chose_english(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    understand = Engine.understand

    def read_as_welsh(
        engine: Engine, text: str, conversation: Conversation | None = None
    ) -> Understanding:
        return dataclasses.replace(understand(engine, text, conversation), language=Language.WELSH)

    turn = Turn(services, CHAT, Conversation(), allowed, "en")
    await choose_language(turn, Language.ENGLISH)
    english = await respond(turn, "who trains Suffolk?")
    monkeypatch.setattr(Engine, "understand", read_as_welsh)
    welsh = await respond(turn, "who trains Suffolk?")
    assert render_plain(english).startswith("Suffolk County Council")
    assert render_plain(welsh).startswith("Cyngor Sir Suffolk")
    assert await services.store.chat_language(CHAT) is Language.ENGLISH


def test_a_record_text_without_welsh_is_shown_in_english_with_a_welsh_note(
    knowledge: Knowledge,
) -> None:
    suffolk = knowledge.authority("suffolk")
    assert suffolk is not None
    untranslated = suffolk.model_copy(update={"stage_summary_cy": None})
    authorities = tuple(untranslated if a is suffolk else a for a in knowledge.authorities)
    view = KnowledgeView.build(dataclasses.replace(knowledge, authorities=authorities), LONDON)
    text = render_plain(_welsh(view).councils.stage(untranslated))
    assert f"{suffolk.stage_summary} (yn Saesneg yn y cofnod)" in text
    assert text.startswith("Cyngor Sir Suffolk")


def test_the_calendar_file_is_worded_in_welsh(view: KnowledgeView) -> None:
    welsh = _welsh(view)
    [event, *_] = view.knowledge.events
    text = welsh.events.calendar_text(event)
    calendar = icalendar.Calendar.from_ical(event_ics(event, text, LONDON, stamp=FIXED_NOW))
    [vevent] = calendar.walk("VEVENT")
    description = str(vevent["DESCRIPTION"])
    assert "Ffynhonnell: Rhwydwaith Signs of Safety y DU" in description
    assert ("Cyngor:" if event.authority else "Pob cyngor yn rhwydwaith") in description
    assert str(vevent["SUMMARY"]) == event.title_cy
    assert english_left(description) == []
