"""One sender of reminders among several instances: the one holding the store's leadership.

The leadership is a lock the database frees when its holder's connection goes (PostgreSQL: an
advisory lock on a connection the leader keeps; SQLite and memory: always held, one process).
Its delivery queries run on that same connection (`leadership.store`), so a leader that lost
the lock cannot record anything more: a message it sent meanwhile is the one that may go twice.
An instance that is not the leader tries again at every reminder tick.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.errors import StoreError
from bot.metrics import Metrics
from bot.reminders.delivery import Delivery
from bot.storage.port import ReminderLeadership, Store

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class Leader:
    """This instance's part in the leadership: whether it holds it, and the delivery it sends
    through, pointed at the leader's store while held."""

    leadership: ReminderLeadership
    delivery: Delivery
    # The store everything else uses, which the delivery goes back to when not leading.
    shared_store: Store
    metrics: Metrics
    held: bool = False

    async def lead(self) -> bool:
        """Whether this instance sends reminders now: the leadership checked if held, tried
        for if not. A database that fails means not leading."""
        try:
            if self.held and not await self.leadership.still_held():
                logger.warning("The reminder leadership was lost; trying to take it again")
                self._step_down()
            if not self.held and await self.leadership.try_acquire():
                logger.info("This instance now sends the reminders")
                self.held = True
                self.delivery.store = self.leadership.store
                self.metrics.reminder_leader.set(1)
        except StoreError as error:
            if self.held:
                logger.warning("The reminder leadership cannot be checked (%s)", error)
                self._step_down()
        return self.held

    def _step_down(self) -> None:
        self.held = False
        self.delivery.store = self.shared_store
        self.metrics.reminder_leader.set(0)

    async def release(self) -> None:
        """Hand the leadership over (at shutdown): another instance takes it at its next tick."""
        if not self.held:
            return
        self._step_down()
        try:
            await self.leadership.release()
        except StoreError as error:
            # The lock goes with the connection anyway, when the store closes.
            logger.warning("The reminder leadership could not be released (%s)", error)
        logger.info("The reminder leadership is released")
