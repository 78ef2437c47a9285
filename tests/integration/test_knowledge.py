"""The knowledge folder: what ships is true to its source, and broken files are refused with
the line that is wrong."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from knowledge.base import Knowledge
from knowledge.dates import describe_date, period_of
from knowledge.errors import KnowledgeError
from knowledge.loader import DEFAULT_DIRECTORY, load_knowledge
from knowledge.models import Event

LONDON = ZoneInfo("Europe/London")
ADOPTERS = ["east-riding-of-yorkshire", "lincolnshire", "swansea", "staffordshire", "suffolk"]


def _squash(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip()


def test_the_shipped_knowledge_holds_the_five_adopters_by_their_fixed_ids(
    knowledge: Knowledge,
) -> None:
    assert [authority.id for authority in knowledge.authorities] == ADOPTERS


def test_every_quote_in_the_records_stands_in_its_source(knowledge: Knowledge) -> None:
    for authority in knowledge.authorities:
        source = knowledge.sources[authority.source]
        assert source.file is not None
        page = _squash((DEFAULT_DIRECTORY / source.file).read_text(encoding="utf-8"))
        quotes = [
            *(p.quote for p in (*authority.trainers, *authority.people)),
            *(m.quote for m in authority.milestones),
            *(f.quote for f in authority.figures),
            *(r.quote for r in authority.roles),
        ]
        for quote in quotes:
            assert _squash(quote) in page, f"{authority.id}: {quote!r} is not in {source.file}"
    network_source = knowledge.sources[knowledge.network.source]
    assert network_source.file is not None
    page = _squash((DEFAULT_DIRECTORY / network_source.file).read_text(encoding="utf-8"))
    assert _squash(knowledge.network.quote) in page


def test_the_network_figures_are_the_source_page_ones(knowledge: Knowledge) -> None:
    assert (knowledge.network.implementing, knowledge.network.training) == (19, 10)


def test_every_event_belongs_to_a_known_authority_and_cites_a_source(knowledge: Knowledge) -> None:
    assert knowledge.events
    for event in knowledge.events:
        assert event.authority is None or knowledge.authority(event.authority) is not None
        assert event.source in knowledge.sources


def test_every_authority_maps_to_its_council(knowledge: Knowledge) -> None:
    codes = {a.id: knowledge.council_of(a).code for a in knowledge.authorities}
    assert codes == {
        "east-riding-of-yorkshire": "ERY",
        "lincolnshire": "LIN",
        "swansea": "SWA",
        "staffordshire": "STS",
        "suffolk": "SFK",
    }


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2014-02", datetime(2014, 2, 1, tzinfo=LONDON), datetime(2014, 3, 1, tzinfo=LONDON)),
        ("2013-12", datetime(2013, 12, 1, tzinfo=LONDON), datetime(2014, 1, 1, tzinfo=LONDON)),
        ("2014-02-03", datetime(2014, 2, 3, tzinfo=LONDON), datetime(2014, 2, 4, tzinfo=LONDON)),
        ("2012", datetime(2012, 1, 1, tzinfo=LONDON), datetime(2013, 1, 1, tzinfo=LONDON)),
        (
            "2014-06-01T09:30:00",
            datetime(2014, 6, 1, 9, 30, tzinfo=LONDON),
            datetime(2014, 6, 1, 9, 30, tzinfo=LONDON),
        ),
        (
            "2014-06-01T09:30:00+00:00",
            datetime(2014, 6, 1, 9, 30, tzinfo=UTC),
            datetime(2014, 6, 1, 9, 30, tzinfo=UTC),
        ),
    ],
)
def test_a_date_stands_for_the_whole_period_it_names(
    value: str, start: datetime, end: datetime
) -> None:
    period = period_of(value, LONDON)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("value", "text"),
    [("2014-02", "February 2014"), ("2014-02-03", "3 February 2014"), ("2012", "2012")],
)
def test_dates_are_described_as_people_write_them(value: str, text: str) -> None:
    assert describe_date(value, LONDON) == text


def test_an_event_is_upcoming_until_its_last_month_has_ended() -> None:
    event = Event(id="t", title="Training", start="2013-07", end="2013-12")
    assert not event.has_ended(datetime(2013, 12, 31, 23, 0, tzinfo=UTC), LONDON)
    assert event.has_ended(datetime(2014, 1, 1, 0, 0, tzinfo=UTC), LONDON)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, copy)
    return copy


EVENTS_HEADER = "events:\n"


@pytest.mark.parametrize(
    ("events_yaml", "line", "message"),
    [
        (EVENTS_HEADER + "  - id: a\n    title: T\n    start: 2014-13\n", 4, "start"),
        (
            EVENTS_HEADER + "  - id: a\n    title: T\n    start: 2014-02\n    colour: red\n",
            5,
            "colour",
        ),
        (EVENTS_HEADER + "  - id: a\n    start: 2014-02\n", 2, "title"),
        (EVENTS_HEADER + "  - id: Bad Id\n    title: T\n    start: 2014-02\n", 2, "id"),
        (
            EVENTS_HEADER + "  - id: a\n    title: T\n    start: 2014-02\n"
            "  - id: a\n    title: U\n    start: 2014-03\n",
            1,
            "event ids used twice: 'a' (entries 1, 2)",
        ),
        (
            EVENTS_HEADER + "  - id: a\n    title: T\n    start: 2014-02\n    authority: leeds\n",
            5,
            "unknown authority",
        ),
        (
            EVENTS_HEADER + "  - id: a\n    title: T\n    start: 2014-03\n    end: 2014-02\n",
            2,
            "end is before start",
        ),
        (EVENTS_HEADER + "  - id: a\n    title: [unclosed\n", 4, "not valid YAML"),
    ],
    ids=[
        "bad-month",
        "unknown-key",
        "missing-title",
        "bad-id",
        "duplicate-id",
        "unknown-authority",
        "end-before-start",
        "yaml-syntax",
    ],
)
def test_a_broken_events_file_is_refused_with_its_path_and_line(
    folder: Path, events_yaml: str, line: int, message: str
) -> None:
    (folder / "events.yaml").write_text(events_yaml, encoding="utf-8")
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(folder)
    rendered = str(raised.value)
    assert f"{folder / 'events.yaml'}:{line}:" in rendered
    assert message in rendered


def test_a_wrong_council_code_in_authorities_is_refused_with_its_line(folder: Path) -> None:
    path = folder / "authorities.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("council: SFK", "council: XXX"), encoding="utf-8")
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if "XXX" in row)
    with pytest.raises(
        KnowledgeError, match=rf"authorities\.yaml:{line}: suffolk: unknown council"
    ):
        load_knowledge(folder)


def test_an_unknown_stage_is_refused_with_its_line(folder: Path) -> None:
    path = folder / "authorities.yaml"
    text = path.read_text(encoding="utf-8").replace("stage: planning", "stage: nearly-there")
    path.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "nearly-there" in row)
    with pytest.raises(KnowledgeError, match=rf"authorities\.yaml:{line}: authorities\[5\].stage"):
        load_knowledge(folder)


def test_every_fault_is_reported_at_once(folder: Path) -> None:
    (folder / "events.yaml").write_text("events: 3\n", encoding="utf-8")
    (folder / "authorities.yaml").write_text("sources: []\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(folder)
    files = {problem.path.name for problem in raised.value.problems}
    assert files == {"events.yaml", "authorities.yaml"}


def test_an_alias_to_an_unknown_council_is_refused(folder: Path) -> None:
    path = folder / "aliases.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  nowhere: ZZZ\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"aliases\.yaml:[0-9]+: nowhere: unknown council"):
        load_knowledge(folder)


def test_a_missing_file_is_named(folder: Path) -> None:
    (folder / "events.yaml").unlink()
    with pytest.raises(KnowledgeError, match=r"events\.yaml: cannot read"):
        load_knowledge(folder)


def test_a_key_given_twice_is_refused_with_its_line(folder: Path) -> None:
    (folder / "events.yaml").write_text(
        "events:\n  - id: a\n    title: T\n    title: U\n    start: 2014-02\n", encoding="utf-8"
    )
    with pytest.raises(KnowledgeError, match=r"events\.yaml:4: not valid YAML: key 'title' given"):
        load_knowledge(folder)
