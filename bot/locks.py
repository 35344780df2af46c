"""A Redis lock store whose ticket operations are atomic across Rasa servers.

Rasa Open Source 3.6's `RedisLockStore` keeps a conversation's ticket lock as one JSON value and
changes it by read, modify, write. Two Rasa servers that receive messages of the same
conversation at the same moment can both read an empty lock, both take ticket 0, and both go
ahead; the SQL tracker store then saves one turn over the other and a message is lost (the
scale-out test caught it: 3 of 12 messages, with every HTTP answer a 200). Rasa fixed this in
its commercial edition only (`ConcurrentRedisLockStore`).

This subclass keeps Rasa's ticket-lock algorithm and storage format, and runs every change to a
lock inside a Redis transaction (WATCH, then MULTI/EXEC, retried when another server changed the
lock in between), so each ticket number is issued once and a lock is never deleted while someone
still waits on it. Rasa loads it from endpoints.yml by its module path.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional, Tuple

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        options = endpoint_config.kwargs
        super().__init__(
            host=endpoint_config.url or "localhost",
            port=int(options.get("port") or 6379),
            db=int(options.get("db") or 1),
            password=options.get("password") or None,
            key_prefix=options.get("key_prefix") or None,
        )

    def _atomically(self, conversation_id: str, change: Change) -> Any:
        """Apply `change` to the stored lock; None from it deletes the lock."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new_lock, result = change(lock)
                    pipe.multi()
                    if new_lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new_lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed the lock first: read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock):
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._atomically(conversation_id, change)
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def change(lock):
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._atomically(conversation_id, change)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def change(lock):
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._atomically(conversation_id, change)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove this ticket, and the lock with it only if nobody else is waiting, in one step."""

        def change(lock):
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._atomically(conversation_id, change)
