"""The loaded knowledge and the queries over it. Built by `knowledge.loader.load_knowledge`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from knowledge.models import Authority, Council, Event, Network, Source

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Knowledge:
    """Everything sosbot knows, validated and immutable; a reload builds a new one."""

    sources: Mapping[str, Source]
    network: Network
    authorities: tuple[Authority, ...]
    events: tuple[Event, ...]
    councils: Mapping[str, Council]
    aliases: Mapping[str, str]
    # Town names as the gazetteer writes them, each with the councils holding a town so named.
    towns: Mapping[str, tuple[str, ...]]
    # Each source's text by source id, for the sources that have a file: what passages quote.
    texts: Mapping[str, str] = field(default_factory=dict)
    _by_id: dict[str, Authority] = field(init=False, repr=False)
    _by_council: dict[str, Authority] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {a.id: a for a in self.authorities})
        object.__setattr__(self, "_by_council", {a.council: a for a in self.authorities})

    def authority(self, authority_id: str) -> Authority | None:
        return self._by_id.get(authority_id)

    def authority_for_council(self, code: str) -> Authority | None:
        """The adopter record of the council with this code, if it has one."""
        return self._by_council.get(code)

    def council_of(self, authority: Authority) -> Council:
        return self.councils[authority.council]

    def events_of(self, authority_id: str | None) -> tuple[Event, ...]:
        """An authority's events and the network-wide ones; every event where `authority_id` is
        None."""
        if authority_id is None:
            return self.events
        return tuple(e for e in self.events if e.authority in (authority_id, None))

    def upcoming_events(
        self, authority_id: str | None, now: datetime, timezone: ZoneInfo
    ) -> list[Event]:
        """Events that have not yet ended, soonest first."""
        events = [e for e in self.events_of(authority_id) if not e.has_ended(now, timezone)]
        return sorted(events, key=lambda e: e.period(timezone).start)

    def past_events(
        self, authority_id: str | None, now: datetime, timezone: ZoneInfo
    ) -> list[Event]:
        """Events that have ended, most recent first."""
        events = [e for e in self.events_of(authority_id) if e.has_ended(now, timezone)]
        return sorted(events, key=lambda e: e.period(timezone).end, reverse=True)

    def councils_in(
        self, nation: str | None = None, region: str | None = None
    ) -> tuple[Council, ...]:
        """The current councils in a nation and/or a region ("Wales", "East Midlands"; any
        case), by code. In Wales, Scotland and Northern Ireland the region is the nation."""
        return tuple(
            council
            for _, council in sorted(self.councils.items())
            if _within(council, nation, region)
        )

    def regions(self) -> dict[str, tuple[str, ...]]:
        """Each nation of the current councils with its regions, sorted: the names a filter
        by place can recognise ("Wales", "East Midlands")."""
        found: dict[str, set[str]] = {}
        for council in self.councils.values():
            if council.current and council.region:
                found.setdefault(council.nation, set()).add(council.region)
        return {nation: tuple(sorted(found[nation])) for nation in sorted(found)}

    def authorities_in(
        self, nation: str | None = None, region: str | None = None
    ) -> tuple[Authority, ...]:
        """The adopters on record whose council is in a nation and/or a region, in file order."""
        # The few adopters' councils are looked at, not every council of the UK.
        return tuple(
            a
            for a in self.authorities
            if (council := self.councils.get(a.council)) is not None
            and _within(council, nation, region)
        )

    def event(self, event_id: str) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)


def _within(council: Council, nation: str | None, region: str | None) -> bool:
    """Whether a council is current and in the nation and/or region (any case)."""
    return (
        council.current
        and (nation is None or council.nation.casefold() == nation.casefold())
        and (region is None or council.region.casefold() == region.casefold())
    )
