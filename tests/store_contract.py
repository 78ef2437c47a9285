"""What every Store must do, whatever holds it: one suite run against the in-memory fake
(tests/unit), the SQLite store and the PostgreSQL store (tests/integration). A test module
subclasses StoreContract and gives it a `store` fixture."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.languages import Language
from bot.scopes import ALL
from bot.storage.port import (
    CONVERSATION_KEPT,
    HANDLED_UPDATES_KEPT,
    KnownEvent,
    ReminderSlot,
    Store,
)
from bot.understanding.conversation import Conversation
from bot.understanding.intents import Intent

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
START = datetime(2026, 3, 8, 10, 0, tzinfo=UTC)  # an event's start
CHAT = 1001
OTHER_CHAT = -100200300  # a group: Telegram gives groups negative ids


def known_event(event_id: str, start: str = "2026-03-08") -> KnownEvent:
    return KnownEvent(event_id, start, START + timedelta(days=1))


async def turns_taken(first: Store, second: Store, hold: float = 0.1) -> list[str]:
    """A chat turn taken on `first` for `hold` seconds, and one on `second` for the same chat
    asked for meanwhile: what happened, in order."""
    happened: list[str] = []
    first_inside = asyncio.Event()

    async def in_first() -> None:
        async with first.chat_turn(CHAT):
            first_inside.set()
            happened.append("first in")
            await asyncio.sleep(hold)
            happened.append("first out")

    async def in_second() -> None:
        await first_inside.wait()
        async with second.chat_turn(CHAT):
            happened.append("second in")

    await asyncio.wait_for(asyncio.gather(in_first(), in_second()), 10)
    return happened


class StoreContract:
    # Subscriptions

    async def test_subscribing_twice_reports_the_second_as_existing(self, store: Store) -> None:
        assert await store.subscribe(CHAT, "SFK", NOW) is True
        assert await store.subscribe(CHAT, "SFK", NOW) is False
        assert await store.subscriptions(CHAT) == ["SFK"]

    async def test_subscriptions_list_all_first_then_councils_in_order(self, store: Store) -> None:
        for scope in ("SWA", ALL, "LIN"):
            await store.subscribe(CHAT, scope, NOW)
        assert await store.subscriptions(CHAT) == [ALL, "LIN", "SWA"]
        assert await store.subscriptions(OTHER_CHAT) == []

    @pytest.mark.parametrize("scope", ["", "sfk", "All", "suffolk", "S", "SFK; DROP TABLE chats"])
    async def test_a_scope_that_is_neither_all_nor_a_council_code_is_refused(
        self, store: Store, scope: str
    ) -> None:
        with pytest.raises(ValueError, match="council code"):
            await store.subscribe(CHAT, scope, NOW)

    @pytest.mark.parametrize("scope", ["SFK", "GMCA", "NIR-A", ALL])
    async def test_any_council_code_and_all_are_accepted(self, store: Store, scope: str) -> None:
        assert await store.subscribe(CHAT, scope, NOW)

    async def test_a_naive_time_is_refused(self, store: Store) -> None:
        with pytest.raises(ValueError, match="aware"):
            await store.subscribe(CHAT, "SFK", datetime(2026, 3, 1, 12, 0))

    async def test_unsubscribing_reports_whether_there_was_a_subscription(
        self,
        store: Store,
    ) -> None:
        await store.subscribe(CHAT, "SFK", NOW)
        assert await store.unsubscribe(CHAT, "SFK") is True
        assert await store.unsubscribe(CHAT, "SFK") is False
        assert await store.subscriptions(CHAT) == []

    async def test_unsubscribing_from_everything_counts_what_went(self, store: Store) -> None:
        for scope in ("SFK", "LIN", ALL):
            await store.subscribe(CHAT, scope, NOW)
        await store.subscribe(OTHER_CHAT, "SFK", NOW)
        assert await store.unsubscribe_all(CHAT) == 3
        assert await store.unsubscribe_all(CHAT) == 0
        assert await store.subscriptions(OTHER_CHAT) == ["SFK"]

    async def test_subscriber_counts_are_by_scope_and_leave_out_paused_chats(
        self,
        store: Store,
    ) -> None:
        await store.subscribe(1, "SFK", NOW)
        await store.subscribe(2, "SFK", NOW)
        await store.subscribe(2, ALL, NOW)
        await store.subscribe(3, "LIN", NOW)
        await store.pause_chat(3, NOW)
        assert await store.subscriber_counts() == {ALL: 1, "SFK": 2}

    async def test_a_resumed_chat_counts_again(self, store: Store) -> None:
        await store.subscribe(CHAT, "LIN", NOW)
        await store.pause_chat(CHAT, NOW)
        await store.resume_chat(CHAT)
        assert await store.subscriber_counts() == {"LIN": 1}

    async def test_subscribing_again_resumes_a_paused_chat(self, store: Store) -> None:
        await store.subscribe(CHAT, "LIN", NOW)
        await store.pause_chat(CHAT, NOW)
        assert await store.subscribe(CHAT, "SFK", NOW) is True
        assert await store.subscriber_counts() == {"LIN": 1, "SFK": 1}

    # Deliveries and announcements

    async def test_recording_a_delivery_twice_keeps_one(self, store: Store) -> None:
        await store.subscribe(CHAT, "SFK", NOW)
        await store.record_delivery(CHAT, "suffolk-training", START, 86400, NOW)
        await store.record_delivery(CHAT, "suffolk-training", START, 86400, NOW)
        await store.record_delivery(CHAT, "suffolk-training", START, 604800, NOW)
        assert await store.delivered_count() == 2

    async def test_a_delivery_to_a_chat_forgotten_meanwhile_is_not_kept(self, store: Store) -> None:
        await store.subscribe(CHAT, "SFK", NOW)
        await store.forget(CHAT)
        await store.record_delivery(CHAT, "suffolk-training", START, 86400, NOW)
        await store.record_announcement(CHAT, "suffolk-training", START, NOW)
        assert await store.delivered_count() == 0

    async def test_pending_reminders_with_no_slots_are_none(self, store: Store) -> None:
        await store.subscribe(CHAT, ALL, NOW)
        assert await store.pending_reminders([]) == []

    async def test_pending_reminders_name_the_slot_and_the_subscription_time(
        self,
        store: Store,
    ) -> None:
        await store.subscribe(CHAT, "SFK", NOW)
        slot = ReminderSlot("suffolk-training", START, "SFK", 86400)
        [pending] = await store.pending_reminders([slot])
        assert (pending.chat_id, pending.slot, pending.owed_since) == (CHAT, slot, NOW)

    @pytest.mark.parametrize(
        ("council", "expected"),
        [
            ("SFK", [1, 2]),  # the council's and `all` subscribers
            ("LIN", [2, 3]),
            (None, [1, 2, 3]),  # network-wide: everyone
        ],
    )
    async def test_announcements_go_to_the_events_subscribers(
        self, store: Store, council: str | None, expected: list[int]
    ) -> None:
        await store.subscribe(1, "SFK", NOW)
        await store.subscribe(2, ALL, NOW)
        await store.subscribe(2, "SFK", NOW)
        await store.subscribe(3, "LIN", NOW)
        await store.subscribe(4, "SWA", NOW)
        await store.pause_chat(4, NOW)  # subscribed, but it blocked the bot
        assert await store.announcement_recipients("an-event", council) == expected

    async def test_an_announced_chat_is_not_told_again(self, store: Store) -> None:
        await store.subscribe(1, "SFK", NOW)
        await store.subscribe(2, "SFK", NOW)
        await store.record_announcement(1, "an-event", START, NOW)
        await store.record_announcement(1, "an-event", START, NOW)
        assert await store.announcement_recipients("an-event", "SFK") == [2]
        assert await store.announcement_recipients("another-event", "SFK") == [1, 2]

    async def test_paused_chats_hear_no_announcements(self, store: Store) -> None:
        await store.subscribe(CHAT, ALL, NOW)
        await store.pause_chat(CHAT, NOW)
        assert await store.announcement_recipients("an-event", None) == []

    async def test_known_events_are_unknown_until_first_remembered(self, store: Store) -> None:
        assert await store.known_events() is None
        await store.remember_events([], NOW)
        assert await store.known_events() == {}

    # Statistics

    async def test_questions_are_counted_by_outcome(self, store: Store) -> None:
        assert await store.question_counts() == (0, 0)
        await store.add_question_counts(2, 1)
        await store.add_question_counts(3, 0)
        assert await store.question_counts() == (5, 1)

    async def test_unanswered_questions_are_counted_as_given_and_empty_ones_dropped(
        self, store: Store
    ) -> None:
        for question in ("what is the weather", "what is the weather", "who is the mayor", ""):
            await store.log_unanswered(question)
        assert await store.top_unanswered(10) == [
            ("what is the weather", 2),
            ("who is the mayor", 1),
        ]
        assert await store.top_unanswered(1) == [("what is the weather", 2)]

    async def test_pruning_goes_by_age_and_forgets_chats_left_with_nothing(
        self,
        store: Store,
    ) -> None:
        long_ago, lately = NOW - timedelta(days=40), NOW - timedelta(days=2)
        await store.subscribe(1, "SFK", long_ago)
        await store.subscribe(2, "SFK", long_ago)
        for chat in (1, 2):
            await store.record_delivery(chat, "over", long_ago, 86400, long_ago - timedelta(days=1))
            await store.record_delivery(chat, "lately", lately, 86400, lately - timedelta(days=1))
            await store.record_announcement(chat, "over", long_ago, long_ago - timedelta(days=9))
        await store.remember_events(
            [KnownEvent("over", "2026-01-20", long_ago + timedelta(hours=2))], NOW
        )
        await store.unsubscribe_all(2)

        await store.prune(NOW - timedelta(days=30), NOW - timedelta(days=37), now=NOW)
        assert await store.delivered_count() == 2
        assert await store.known_events() == {}
        await store.prune(NOW, NOW, now=NOW)
        assert await store.delivered_count() == 0
        # A chat left with nothing is forgotten: a delivery to it is no longer kept.
        for chat in (1, 2):
            await store.record_delivery(chat, "next", NOW, 86400, NOW)
        assert await store.delivered_count() == 1

    async def test_move_recipients_are_the_subscribers_last_told_of_another_start(
        self,
        store: Store,
    ) -> None:
        moved = START + timedelta(days=2)
        for chat in (1, 2, 3, 4, 5):
            await store.subscribe(chat, "SFK", NOW)
        await store.record_delivery(1, "an-event", START, 86400, NOW)  # reminded of the old start
        await store.record_announcement(2, "an-event", START, NOW)  # told of the old start
        await store.record_delivery(3, "an-event", START, 86400, NOW)
        await store.record_announcement(3, "an-event", moved, NOW)  # already told of the move
        await store.record_delivery(4, "an-event", moved, 86400, NOW)  # reminded of the new start
        # 5 never heard of it: a new-event announcement is its business, not a move.
        assert await store.move_recipients("an-event", "SFK", moved) == [1, 2]
        assert await store.move_recipients("an-event", "LIN", moved) == []
        assert await store.move_recipients("an-event", None, START) == [3, 4]

    # Conversations and chat languages

    async def test_a_chat_with_nothing_held_has_a_fresh_conversation(self, store: Store) -> None:
        assert await store.conversation(CHAT) == Conversation()

    async def test_a_saved_conversation_is_read_back_for_its_chat_only(self, store: Store) -> None:
        await store.save_conversation(CHAT, Conversation(Intent.TRAINERS, "SFK"), NOW)
        await store.save_conversation(CHAT, Conversation(Intent.STAGE, "LIN"), NOW)
        await store.save_conversation(OTHER_CHAT, Conversation(Intent.EVENTS, None), NOW)
        assert await store.conversation(CHAT) == Conversation(Intent.STAGE, "LIN")
        assert await store.conversation(OTHER_CHAT) == Conversation(Intent.EVENTS, None)

    async def test_changing_a_conversation_read_back_changes_nothing_held(
        self, store: Store
    ) -> None:
        await store.save_conversation(CHAT, Conversation(Intent.TRAINERS, "SFK"), NOW)
        (await store.conversation(CHAT)).council_code = "LIN"
        assert await store.conversation(CHAT) == Conversation(Intent.TRAINERS, "SFK")

    async def test_saving_an_empty_conversation_forgets_the_one_held(self, store: Store) -> None:
        await store.save_conversation(CHAT, Conversation(Intent.TRAINERS, "SFK"), NOW)
        await store.save_conversation(CHAT, Conversation(), NOW)
        assert await store.conversation(CHAT) == Conversation()

    async def test_a_chat_has_no_language_until_it_chooses_one(self, store: Store) -> None:
        assert await store.chat_language(CHAT) is None
        await store.set_chat_language(CHAT, Language.WELSH)
        assert await store.chat_language(CHAT) is Language.WELSH
        await store.set_chat_language(CHAT, Language.ENGLISH)
        assert await store.chat_language(CHAT) is Language.ENGLISH
        assert await store.chat_language(OTHER_CHAT) is None

    async def test_the_languages_of_many_chats_are_read_at_once(self, store: Store) -> None:
        await store.set_chat_language(CHAT, Language.WELSH)
        await store.set_chat_language(OTHER_CHAT, Language.ENGLISH)
        # More chats than one statement asks about, most of them with no language.
        asked = [*range(-2500, 0), CHAT, OTHER_CHAT, CHAT]
        assert await store.chat_languages(asked) == {
            CHAT: Language.WELSH,
            OTHER_CHAT: Language.ENGLISH,
        }
        assert await store.chat_languages([]) == {}

    async def test_choosing_no_language_clears_the_choice(self, store: Store) -> None:
        await store.set_chat_language(CHAT, Language.WELSH)
        await store.set_chat_language(CHAT, None)
        await store.set_chat_language(OTHER_CHAT, None)
        assert await store.chat_language(CHAT) is None

    async def test_forgetting_a_chat_forgets_its_conversation_and_language(
        self, store: Store
    ) -> None:
        for chat in (CHAT, OTHER_CHAT):
            await store.save_conversation(chat, Conversation(Intent.TRAINERS, "SFK"), NOW)
            await store.set_chat_language(chat, Language.WELSH)
        await store.forget(CHAT)
        assert await store.conversation(CHAT) == Conversation()
        assert await store.chat_language(CHAT) is None
        assert await store.conversation(OTHER_CHAT) == Conversation(Intent.TRAINERS, "SFK")
        assert await store.chat_language(OTHER_CHAT) is Language.WELSH

    async def test_pruning_drops_conversations_nobody_continued_for_a_month(
        self, store: Store
    ) -> None:
        await store.save_conversation(1, Conversation(Intent.STAGE, "SFK"), NOW - CONVERSATION_KEPT)
        stale = NOW - CONVERSATION_KEPT - timedelta(seconds=1)
        await store.save_conversation(2, Conversation(Intent.STAGE, "SFK"), stale)
        await store.save_conversation(3, Conversation(Intent.STAGE, "SFK"), stale)
        await store.save_conversation(3, Conversation(Intent.EVENTS, "SFK"), NOW)  # continued
        await store.set_chat_language(2, Language.WELSH)
        await store.prune(NOW - timedelta(days=30), NOW - timedelta(days=37), now=NOW)
        assert await store.conversation(1) == Conversation(Intent.STAGE, "SFK")
        assert await store.conversation(2) == Conversation()
        assert await store.conversation(3) == Conversation(Intent.EVENTS, "SFK")
        assert await store.chat_language(2) is Language.WELSH  # a choice is kept until changed

    # Several instances as one bot

    async def test_a_store_whose_database_answers_is_pinged_without_error(
        self, store: Store
    ) -> None:
        assert await store.ping() is None

    async def test_an_update_is_handled_once_recorded_and_a_repeat_is_harmless(
        self, store: Store
    ) -> None:
        assert await store.update_handled(500) is False
        await store.record_update_handled(500, NOW)
        await store.record_update_handled(500, NOW + timedelta(seconds=5))
        assert await store.update_handled(500) is True
        assert await store.update_handled(499) is False  # a table of ids, not a high-water mark

    async def test_pruning_forgets_updates_handled_more_than_a_day_ago(self, store: Store) -> None:
        await store.record_update_handled(1, NOW - HANDLED_UPDATES_KEPT - timedelta(seconds=1))
        await store.record_update_handled(2, NOW - HANDLED_UPDATES_KEPT)
        await store.prune(NOW - timedelta(days=30), NOW - timedelta(days=37), now=NOW)
        assert [await store.update_handled(update) for update in (1, 2)] == [False, True]

    async def test_a_chat_turn_waits_for_the_one_before_on_the_same_key(self, store: Store) -> None:
        assert await turns_taken(store, store) == ["first in", "first out", "second in"]

    async def test_chat_turns_on_different_keys_do_not_wait_for_each_other(
        self, store: Store
    ) -> None:
        async with store.chat_turn(CHAT):
            async with asyncio.timeout(5):
                async with store.chat_turn(OTHER_CHAT):
                    pass

    async def test_a_chat_turn_is_free_again_after_its_block_failed(self, store: Store) -> None:
        with pytest.raises(RuntimeError):
            async with store.chat_turn(CHAT):
                raise RuntimeError("the handler failed")
        async with asyncio.timeout(5):
            async with store.chat_turn(CHAT):
                pass

    async def test_the_reminder_leader_runs_delivery_on_its_store(self, store: Store) -> None:
        leadership = store.reminder_leadership()
        try:
            assert await leadership.try_acquire() is True
            assert await leadership.still_held() is True
            await store.subscribe(CHAT, "SFK", NOW)
            slot = ReminderSlot("suffolk-training", START, "SFK", 86400)
            [pending] = await leadership.store.pending_reminders([slot])
            await leadership.store.record_delivery(CHAT, slot.event_id, START, 86400, NOW)
            assert pending.chat_id == CHAT
            assert await store.pending_reminders([slot]) == []
        finally:
            await leadership.release()
