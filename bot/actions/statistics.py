"""Questions counted as they are answered, and the operators' statistics (/stats)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.replies.current import KnowledgeView
from bot.replies.reply import Reply
from bot.storage.port import Store
from bot.translations import N_

logger = logging.getLogger(__name__)


@dataclass
class QuestionTally:
    """Questions answered since the totals were last saved: counting one costs no write."""

    answered: int = 0
    not_understood: int = 0
    # Told of each question as it is counted (the runtime's metrics).
    on_count: Callable[[bool], None] | None = None

    def count(self, understood: bool) -> None:
        if self.on_count is not None:
            self.on_count(understood)
        if understood:
            self.answered += 1
        else:
            self.not_understood += 1

    async def save(self, store: Store) -> None:
        if self.answered or self.not_understood:
            answered, not_understood = self.answered, self.not_understood
            await store.add_question_counts(answered, not_understood)
            # Taken off only once saved (a failed save keeps them for the next), and by
            # subtraction, since questions answered during the write count too.
            self.answered -= answered
            self.not_understood -= not_understood


async def statistics(
    view: KnowledgeView, store: Store, questions: QuestionTally, reminders_due: int
) -> Reply:
    """For operators: subscribers by council, reminders sent and due (`reminders_due`, counted
    by the caller from bot.reminders), questions answered and not understood. Saves the
    questions counted in memory first, so that the totals shown include them."""
    counts = await store.subscriber_counts()
    await questions.save(store)
    answered, not_understood = await store.question_counts()
    return view.subscriptions.statistics(
        counts,
        (
            (N_("Reminders sent"), await store.delivered_count()),
            (N_("Reminders due now"), reminders_due),
            (N_("Questions answered"), answered),
            (N_("Questions not understood"), not_understood),
        ),
    )
