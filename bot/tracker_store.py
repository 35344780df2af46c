"""Rasa's SQL tracker store, made to keep answering and lose nothing while its database is away.

What Rasa Open Source 3.6 does when the database goes away mid-run: `FailSafeTrackerStore`
returns no tracker (the conversation silently starts over) and saves to a process-local
in-memory store that is never written back, so every turn taken during the outage is lost
for good, and the next turn read from the database has forgotten them.

This subclass, loaded from endpoints.yml by its module path, keeps Rasa's tables, queries and
event format, and changes only what happens on a database error:

- the last saved state of recent conversations is remembered (a bounded list, no copies), so
  a conversation read while the database is away carries on where it was instead of
  starting over;
- a conversation that could not be saved is kept in memory ("pending"), with the error logged
  (its class only: no message text, which could quote a person's words);
- the next time that conversation is read, the pending copy is used, so the turn after an
  outage still knows what was said during it;
- pending conversations are written back as soon as the database answers again: at the
  conversation's next turn, and every few seconds by a background task, so a conversation
  whose next turn lands on another Rasa server is written back too. Only events not yet
  stored are written (matched by timestamp), so a retry never doubles an event.

`bot.rasa_server` refuses to start when the database is unreachable at start, so this class
only ever deals with a database that was there and went away.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from typing import Any, Dict, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)

FLUSH_EVERY_S = 2.0
REMEMBERED_CONVERSATIONS = 500
CONNECT_TIMEOUT_S = 3


def event_row(sender_id: str, event: Any) -> Dict[str, Any]:
    """The columns Rasa's SQLTrackerStore.save writes for one event (same format)."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


class ResilientSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Check each pooled connection before use: after the database restarts, a dead
        # connection is replaced instead of failing one person's turn.
        # A database that stops answering (rather than refusing) must not hold a turn for
        # minutes: PostgreSQL connections give up after CONNECT_TIMEOUT_S.
        url = self.engine.url
        options = create_engine_kwargs(url)
        if url.get_backend_name() == "postgresql":
            options["connect_args"] = {**options.get("connect_args", {}),
                                       "connect_timeout": CONNECT_TIMEOUT_S}  # fmt: skip
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **options)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.pending: Dict[str, DialogueStateTracker] = {}
        self.recent: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        self._flusher: Optional[asyncio.Task] = None

    # --- Rasa's interface ------------------------------------------------------------------------

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        if sender_id in self.pending and not self._write_back(sender_id):
            return self.pending[sender_id].copy()
        try:
            return await super().retrieve(sender_id)
        except SQLAlchemyError as error:
            # Rasa then starts a new conversation session: the person still gets answers.
            remembered = self.recent.get(sender_id)
            logger.error("Tracker store unreachable on read (%s); %s", type(error).__name__,
                         "carrying on from this server's last saved state" if remembered
                         else "this conversation starts a new session until it is back")  # fmt: skip
            return remembered.copy() if remembered else None

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.sender_id in self.pending:
            self.pending[tracker.sender_id] = tracker.copy()
            self._write_back(tracker.sender_id)
            return
        try:
            await super().save(tracker)
            self._remember(tracker)
        except SQLAlchemyError as error:
            self.pending[tracker.sender_id] = tracker.copy()
            logger.error("Tracker store unreachable on save (%s); keeping %d conversation(s) "
                         "in memory until it is back", type(error).__name__, len(self.pending))  # fmt: skip
            self._start_flusher()

    def _remember(self, tracker: DialogueStateTracker) -> None:
        # The processor is done with a tracker once it is saved, so keeping it costs no copy.
        self.recent[tracker.sender_id] = tracker
        self.recent.move_to_end(tracker.sender_id)
        while len(self.recent) > REMEMBERED_CONVERSATIONS:
            self.recent.popitem(last=False)

    # --- writing back ----------------------------------------------------------------------------

    def _write_back(self, sender_id: str) -> bool:
        """Store the pending conversation's events that the database lacks; True when done."""
        tracker = self.pending.get(sender_id)
        if tracker is None:
            return True
        table = self.SQLEvent.__table__
        try:
            with self.engine.begin() as db:
                stored = set(db.execute(
                    sa.select(table.c.timestamp).where(table.c.sender_id == sender_id)
                ).scalars())  # fmt: skip
                missing = [event_row(sender_id, e) for e in tracker.events
                           if e.timestamp not in stored]  # fmt: skip
                if missing:
                    db.execute(table.insert(), missing)
        except SQLAlchemyError:
            return False
        if self.pending.get(sender_id) is tracker:  # not replaced by a newer turn meanwhile
            del self.pending[sender_id]
            self._remember(tracker)
        logger.warning("Tracker store is back: wrote %d event(s) kept in memory during the "
                       "outage; %d conversation(s) still waiting", len(missing), len(self.pending))  # fmt: skip
        return True

    def flush_pending(self) -> int:
        """Try to write back every pending conversation; return how many are still pending."""
        for sender_id in list(self.pending):
            if not self._write_back(sender_id):
                break  # the database is still away; try again later
        return len(self.pending)

    def _start_flusher(self) -> None:
        if self._flusher and not self._flusher.done():
            return
        try:
            self._flusher = asyncio.get_running_loop().create_task(self._flush_until_empty())
        except RuntimeError:  # no event loop (a script, a test): the next turn writes back
            self._flusher = None

    async def _flush_until_empty(self) -> None:
        while self.pending:
            await asyncio.sleep(FLUSH_EVERY_S)
            self.flush_pending()
