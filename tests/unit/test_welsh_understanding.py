"""Welsh is understood as English is: council names however they are mutated, accents or none,
English mixed in; the language of a message is told; and subscribing and unsubscribing are
never swapped (Welsh mirrored pairs, written as people write them, not taken from a question
set)."""

from __future__ import annotations

import time
from itertools import product
from pathlib import Path

import pytest

from bot.languages import Language
from bot.understanding.conversation import Conversation
from bot.understanding.councils import CouncilMatch
from bot.understanding.engine import Engine
from bot.understanding.intents import Intent
from bot.understanding.requests import Subscribe, Unsubscribe
from bot.understanding.text import normalise, words
from bot.understanding.welsh import GLOSSARY, _key, _table_lines, glossary_lines, mutated, radicals
from tests.question_sets import conversations


@pytest.mark.parametrize(
    ("radical", "forms"),
    [
        ("caerdydd", {"caerdydd", "gaerdydd", "nghaerdydd", "chaerdydd"}),
        ("powys", {"powys", "bowys", "mhowys", "phowys"}),
        ("tanysgrifio", {"tanysgrifio", "danysgrifio", "nhanysgrifio", "thanysgrifio"}),
        ("gwynedd", {"gwynedd", "wynedd", "ngwynedd"}),
        ("bangor", {"bangor", "fangor", "mangor"}),
        ("dinbych", {"dinbych", "ddinbych", "ninbych"}),
        ("merthyr", {"merthyr", "ferthyr"}),
        ("llanelli", {"llanelli", "lanelli"}),
        ("rhondda", {"rhondda", "rondda"}),
        ("abertawe", {"abertawe"}),
        ("chwefror", {"chwefror"}),  # "ch" is a letter of its own, not a mutated "c"
    ],
)
def test_a_radical_takes_the_soft_nasal_and_aspirate_mutations_its_initial_has(
    radical: str, forms: set[str]
) -> None:
    assert mutated(radical) == forms


@pytest.mark.parametrize(
    ("written", "radical"),
    [
        ("gaerfyrddin", "caerfyrddin"),
        ("ddinbych", "dinbych"),
        ("fynwy", "mynwy"),
        ("benfro", "penfro"),
        ("nghaerdydd", "caerdydd"),
        ("chyngor", "cyngor"),
    ],
)
def test_a_mutated_name_from_the_register_leads_back_to_its_radical(
    written: str, radical: str
) -> None:
    assert radical in radicals(written)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("yng Nghaerdydd", "CRF"),
        ("i Gaerdydd", "CRF"),
        ("a Chaerdydd", "CRF"),
        ("ym Mhowys", "POW"),
        ("i Wynedd", "GWN"),
        ("yng Ngwynedd", "GWN"),
        ("ym Mro Morgannwg", "VGL"),
        ("yn Sir Gâr", "CMN"),
        ("yng Nghaerfyrddin", "CMN"),
        ("yn Ninbych", "DEN"),
        ("ym Mhenfro", "PEM"),
        ("yng Nghastell-nedd Port Talbot", "NTL"),
        ("i Ben-y-bont ar Ogwr", "BGE"),
        ("yn Ynys Môn", "AGY"),
        ("yn Ynys Mon", "AGY"),
        ("ei Chyngor Dinas Caerdydd", "CRF"),
        ("yn Swydd Lincoln", "LIN"),
        ("Sir Stafford", "STS"),
        ("yn Nwyrain Swydd Efrog", "ERY"),
        ("i Ddwyrain Swydd Efrog", "ERY"),
        ("yng Nghaint", "KEN"),
        ("ym Manceinion", "MAN"),
        ("i Lanelli", "CMN"),
        ("ym Mangor", "GWN"),
    ],
)
def test_a_welsh_name_is_found_however_it_is_mutated(engine: Engine, text: str, code: str) -> None:
    found = engine.councils.find(words(text))
    assert isinstance(found, CouncilMatch)
    assert (found.responsible or found.named).code == code


def test_lincoln_in_english_is_still_the_city_not_the_county(engine: Engine) -> None:
    """ "Sir Lincoln" is Lincolnshire only whole: the "Lincoln" in it names the city."""
    found = engine.councils.find(words("is lincoln using it"))
    assert isinstance(found, CouncilMatch)
    assert found.named.code != "LIN"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Pwy sy'n hyfforddi Abertawe?", Language.WELSH),
        ("pwy sy'n neud y training yn Abertawe", Language.WELSH),
        ("ymgynghorydd Signs of Safety Dwyrain Efrog?", Language.WELSH),
        ("diolch", Language.WELSH),
        ("who trains swansea", Language.ENGLISH),
        ("Is Cyngor Abertawe past the planning bit yet", Language.ENGLISH),
        ("how far has Caerdydd got with SofS?", Language.ENGLISH),
        ("Swansea?", None),
        ("Abertawe", None),
        ("Cyngor Abertawe", None),
        ("/start", None),
        ("ok", None),
    ],
)
def test_the_language_a_message_is_written_in_is_told(
    engine: Engine, text: str, language: Language | None
) -> None:
    assert engine.understand(text).language is language


DATA = Path(__file__).parents[1] / "data"
WELSH_SETS = {*DATA.glob("questions_cy*.yaml"), *DATA.glob("held_out/questions_cy*.yaml")}
ENGLISH_SETS = set(DATA.glob("questions*.yaml")) - WELSH_SETS


def _asked(paths: set[Path]) -> list[str]:
    # The sets as the accuracy test reads them, parsed once for both.
    return [
        turn["ask"]
        for path in sorted(paths)
        for conversation in conversations(path)
        for turn in conversation
    ]


def test_no_english_question_of_the_sets_is_read_as_welsh(engine: Engine) -> None:
    read = [(q, engine.welsh.language_of(normalise(q))) for q in _asked(ENGLISH_SETS)]
    assert len(read) > 600
    assert [q for q, language in read if language is Language.WELSH] == []


def test_nearly_every_welsh_question_of_the_sets_is_read_as_welsh(engine: Engine) -> None:
    """The few that are not are a council's name after "a" ("A Suffolk?"), or mostly English."""
    welsh = _asked(WELSH_SETS)
    told = [q for q in welsh if engine.welsh.language_of(normalise(q)) is Language.WELSH]
    assert len(told) >= 0.98 * len(welsh)


@pytest.mark.parametrize(
    ("text", "intent", "code"),
    [
        ("Pwy sy'n hyfforddi Abertawe?", Intent.TRAINERS, "SWA"),
        ("pwy sy'n neud y training yn Abertawe", Intent.TRAINERS, "SWA"),
        ("Pa gam mae Suffolk wedi'i gyrraedd?", Intent.STAGE, "SFK"),
        ("Beth mae Swydd Lincoln yn ei wneud?", Intent.STAGE, "LIN"),
        ("Pryd mae'r hyfforddiant nesaf yn Nwyrain Swydd Efrog?", Intent.EVENTS, "ERY"),
        ("Pwy sy'n cadeirio'r grŵp llywio yn Abertawe?", Intent.PEOPLE, "SWA"),
        ("PWY SYN CADEIRIO'R GRWP LLYWIO YN ABERTAWE", Intent.PEOPLE, "SWA"),
        ("Faint o hyrwyddwyr ymarfer sydd gan Swydd Lincoln?", Intent.COUNT, "LIN"),
        ("Dwed wrtha i am Staffs", Intent.OVERVIEW, "STS"),
        ("Pwy sy'n hyfforddi yn Sir y Fflint?", Intent.TRAINERS, "FLN"),
        ("Dw i'n byw yn Gorseinon, pwy sy'n arwain y prosiect?", Intent.PEOPLE, "SWA"),
        ("ychwanega Suffolk at fy nodiadau atgoffa", Intent.SUBSCRIBE, "SFK"),
        ("Sut mae Swydd Stafford yn defnyddio'r dull?", Intent.OVERVIEW, "STS"),
    ],
)
def test_a_welsh_question_is_read_with_the_intent_and_council_of_its_english(
    engine: Engine, text: str, intent: Intent, code: str
) -> None:
    understood = engine.understand(text)
    assert understood.intent is intent
    assert isinstance(understood.council, CouncilMatch)
    assert (understood.council.responsible or understood.council.named).code == code


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Pwy sy'n hyfordi Abertawe?", Intent.TRAINERS),
        ("pryd mae'r hyfforddiand nesa yn Abertawe", Intent.EVENTS),
        ("oes na ddigwyddiadua yn Abertawe", Intent.EVENTS),
        ("atgofa fi am Abertawe", Intent.SUBSCRIBE),
    ],
)
def test_a_misspelt_welsh_word_is_read_as_the_word_it_nearly_is(
    engine: Engine, text: str, intent: Intent
) -> None:
    understood = engine.understand(text)
    assert understood.intent is intent
    assert isinstance(understood.council, CouncilMatch)
    assert understood.council.named.code == "SWA"


def test_a_long_welsh_message_of_distinct_misspellings_is_read_within_the_budget(
    engine: Engine,
) -> None:
    """Each near-miss of a Welsh word is a fresh fuzzy search."""
    near_misses = (f"pwy hyfforddi{a}{b}" for a, b in product("abcdefghij", repeat=2))
    text = (" ".join(near_misses) * 3)[:4096]
    start = time.perf_counter()
    engine.welsh.reading(text, normalise(text))
    assert time.perf_counter() - start < 0.05


@pytest.mark.parametrize(
    "text",
    [
        "Pwy enillodd y gêm bêl-droed?",
        "Sut mae'r tywydd yn Abertawe?",
        "Faint yw treth y cyngor yn Swydd Lincoln?",
        "Pwy yw maer Abertawe?",
        "Pwy sy'n hyfforddi tîm pêl-droed Abertawe?",
    ],
)
def test_an_off_topic_welsh_question_is_refused_even_naming_an_adopter(
    engine: Engine, text: str
) -> None:
    understood = engine.understand(text)
    assert understood.intent is Intent.UNKNOWN
    assert understood.council is None


def test_a_short_welsh_follow_up_asks_the_same_about_another_council(engine: Engine) -> None:
    conversation = Conversation(intent=Intent.TRAINERS, council_code="ERY")
    understood = engine.understand("a Lincs?", conversation)
    assert understood.intent is Intent.TRAINERS
    assert isinstance(understood.council, CouncilMatch)
    assert understood.council.named.code == "LIN"


def test_each_line_of_the_glossary_gives_its_welsh_one_english() -> None:
    malformed = [line for line in glossary_lines(GLOSSARY) if line.count("=") != 1]
    assert malformed == []


def test_each_welsh_phrase_of_the_glossary_has_one_meaning() -> None:
    meanings: dict[str, set[str]] = {}
    for welsh, english in _table_lines(GLOSSARY):
        meanings.setdefault(_key(welsh), set()).add(english)
    assert {phrase: m for phrase, m in meanings.items() if len(m) > 1} == {}


def test_a_long_welsh_message_is_read_into_english_in_time_linear_in_its_length(
    engine: Engine,
) -> None:
    """Telegram's longest message, made of phrase openers that never complete a phrase; what
    the engine then does with its English is timed by tests/unit/test_understanding_speed.py."""
    text = ("pwy sy'n dim mwy o yng Ng pa mor beth wyt ti'n rhoi'r gorau " * 100)[:4096]
    start = time.perf_counter()
    engine.welsh.reading(text, normalise(text))
    assert time.perf_counter() - start < 0.05


# (subscribe, unsubscribe, council): the same request turned round, in Welsh.
WELSH_MIRRORED = [
    ("Atgoffa fi am Suffolk", "Paid ag atgoffa fi am Suffolk", "SFK"),
    (
        "Atgoffwch fi am ddigwyddiadau Abertawe",
        "Peidiwch â fy atgoffa am ddigwyddiadau Abertawe",
        "SWA",
    ),
    ("Dw i eisiau nodiadau atgoffa am Lincs", "Dw i ddim eisiau nodiadau atgoffa am Lincs", "LIN"),
    ("dwi isio negeseuon am Staffs", "dwi ddim isio negeseuon am Staffs", "STS"),
    ("Anfonwch negeseuon ata i am Abertawe", "Paid ag anfon negeseuon ata i am Abertawe", "SWA"),
    ("Tanysgrifio i Abertawe", "Dad-danysgrifio o Abertawe", "SWA"),
    ("tanysgrifiwch fi i Suffolk", "dad-danysgrifiwch fi o Suffolk", "SFK"),
    ("Peidiwch â stopio'r negeseuon am Abertawe", "Stopiwch y negeseuon am Abertawe", "SWA"),
    ("Paid a canslo fy nhanysgrifiad i Lincs", "Canslo fy nhanysgrifiad i Lincs", "LIN"),
    ("Paid â diffodd y rhybuddion am Staffs", "Diffodd y rhybuddion am Staffs", "STS"),
    ("Rhowch wybod i mi am Swydd Lincoln", "Dim mwy o negeseuon am Swydd Lincoln", "LIN"),
    ("Cadwch fi yn y lwp am Suffolk", "Digon o'r negeseuon am Suffolk", "SFK"),
    (
        "Paid â gadael i mi golli digwyddiadau Abertawe",
        "Dim rhagor o nodiadau atgoffa am Abertawe",
        "SWA",
    ),
    ("Hoffwn gael negeseuon am Lincs", "Hoffwn beidio cael negeseuon am Lincs", "LIN"),
    ("Dilyn Swydd Stafford", "Stopio dilyn Swydd Stafford", "STS"),
    (
        "ga i nodiadau atgoffa ar gyfer Suffolk plis",
        "tynnwch fi oddi ar y rhestr ar gyfer Suffolk",
        "SFK",
    ),
    ("atgoffa fi am y training yn Abertawe", "stopia'r reminders am y training yn Abertawe", "SWA"),
    ("Dw i dal eisiau negeseuon am Lincs", "Dw i ddim eisiau negeseuon am Lincs mwyach", "LIN"),
    ("ATGOFFA FI AM DDWYRAIN SWYDD EFROG", "PAID AG ATGOFFA FI AM DDWYRAIN SWYDD EFROG", "ERY"),
    ("Atgoffa fi am Gyngor Abertawe", "Tawelu negeseuon Cyngor Abertawe", "SWA"),
]


@pytest.mark.parametrize(
    ("text", "mirror", "code"), WELSH_MIRRORED, ids=[row[0] for row in WELSH_MIRRORED]
)
def test_a_welsh_request_to_be_reminded_subscribes(
    engine: Engine, text: str, mirror: str, code: str
) -> None:
    assert engine.understand(text).request == Subscribe(code), mirror


@pytest.mark.parametrize(
    ("mirror", "text", "code"), WELSH_MIRRORED, ids=[row[1] for row in WELSH_MIRRORED]
)
def test_its_welsh_mirror_unsubscribes(engine: Engine, mirror: str, text: str, code: str) -> None:
    assert engine.understand(text).request == Unsubscribe(code), mirror
