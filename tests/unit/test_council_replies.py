"""What a council's reply builder makes once and gives again (an adopter's overview, stage and
trainers, the buttons under a reply, its citation and Welsh name) is given only where it holds:
to the adopter, in the language and of the knowledge it was made from."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from bot.languages import Language
from bot.replies.councils import CouncilReplies
from bot.replies.current import KnowledgeView
from bot.replies.render import render_plain
from bot.replies.reply import Block, Paragraph, Reply
from bot.translations import texts_for
from knowledge.base import Knowledge
from knowledge.models import Authority
from tests.conftest import LONDON

Build = Callable[[CouncilReplies, Authority, tuple[Block, ...]], Reply]
BUILDERS: list[tuple[str, Build]] = [
    ("overview", lambda replies, authority, lead: replies.overview(authority, *lead)),
    ("stage", lambda replies, authority, lead: replies.stage(authority, *lead)),
    ("trainers", lambda replies, authority, lead: replies.trainers(authority, *lead)),
]
LEAD = Paragraph(text="Ipswich is in the area of Suffolk County Council.")


def _adopter(knowledge: Knowledge, adopter: str) -> Authority:
    authority = knowledge.authority(adopter)
    assert authority is not None
    return authority


@pytest.mark.parametrize(("kind", "build"), BUILDERS, ids=[kind for kind, _ in BUILDERS])
def test_a_district_note_leads_only_the_reply_it_was_given_to(
    knowledge: Knowledge, kind: str, build: Build
) -> None:
    replies = KnowledgeView.build(knowledge, LONDON).councils
    suffolk = _adopter(knowledge, "suffolk")
    led = build(replies, suffolk, (LEAD,))
    plain = build(replies, suffolk, ())
    assert led.blocks == (LEAD, *plain.blocks)
    assert LEAD not in plain.blocks


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize(("kind", "build"), BUILDERS, ids=[kind for kind, _ in BUILDERS])
def test_each_adopter_gets_its_own_reply_whichever_was_asked_before(
    knowledge: Knowledge, kind: str, build: Build, language: Language
) -> None:
    texts = texts_for(language)
    replies = CouncilReplies(knowledge, LONDON, texts)
    asked_in_turn = [build(replies, a, ()) for a in knowledge.authorities]
    each_alone = [
        build(CouncilReplies(knowledge, LONDON, texts), a, ()) for a in knowledge.authorities
    ]
    assert asked_in_turn == each_alone


def test_the_english_and_welsh_builders_keep_their_own_replies(knowledge: Knowledge) -> None:
    view = KnowledgeView.build(knowledge, LONDON)
    swansea = _adopter(knowledge, "swansea")
    english = view.councils.overview(swansea)
    welsh = view.speaking(Language.WELSH).councils.overview(swansea)
    assert view.councils.overview(swansea) == english
    assert welsh.title != english.title
    assert welsh.actions[0].label != english.actions[0].label
    assert welsh.citation is not None
    assert english.citation is not None
    assert welsh.citation.label != english.citation.label


def test_a_reloaded_knowledge_is_said_as_it_now_is(knowledge: Knowledge) -> None:
    suffolk = _adopter(knowledge, "suffolk")
    before = KnowledgeView.build(knowledge, LONDON)
    before.councils.stage(suffolk)  # what the knowledge said is made first
    before.speaking(Language.WELSH).councils.stage(suffolk)
    changed = suffolk.model_copy(
        update={"stage_summary": "A new summary.", "name_cy": "Enw newydd"}
    )
    authorities = tuple(changed if a is suffolk else a for a in knowledge.authorities)
    after = KnowledgeView.build(dataclasses.replace(knowledge, authorities=authorities), LONDON)
    assert "A new summary." in render_plain(after.councils.stage(changed))
    assert after.speaking(Language.WELSH).councils.stage(changed).title == "Enw newydd"
