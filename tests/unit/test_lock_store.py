"""The atomic Redis lock store, against a real redis-server on loopback, shared by two stores
as two Rasa servers would share it."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from rasa.utils.endpoints import EndpointConfig

from bot.locks import AtomicRedisLockStore
from tests.support.redis_server import RedisServer


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


def store(server) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(
        EndpointConfig(url="127.0.0.1", port=str(server.port), db="1", password="")
    )


def test_tickets_are_unique_when_many_servers_ask_at_once(redis_server):
    stores = [store(redis_server), store(redis_server)]
    start = threading.Barrier(16)

    def take(i: int):
        start.wait()
        return [stores[i % 2].issue_ticket("conversation-1") for _ in range(25)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        tickets = [t for batch in pool.map(take, range(16)) for t in batch]
    assert sorted(tickets) == list(range(400))  # each number issued exactly once


def test_the_lock_serialises_two_servers_and_is_removed_after(redis_server):
    first, second = store(redis_server), store(redis_server)
    order = []

    async def handle(lock_store, name):
        async with lock_store.lock("conversation-2", wait_time_in_seconds=0.05):
            order.append(f"{name} in")
            await asyncio.sleep(0.2)
            order.append(f"{name} out")

    async def both():
        await asyncio.gather(handle(first, "a"), handle(second, "b"))

    asyncio.run(both())
    assert order in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])
    assert first.get_lock("conversation-2") is None  # nobody waits: the lock is gone


def test_cleanup_keeps_the_lock_while_someone_waits(redis_server):
    one = store(redis_server)
    mine = one.issue_ticket("conversation-3")
    theirs = one.issue_ticket("conversation-3")
    one.cleanup("conversation-3", mine)
    lock = one.get_lock("conversation-3")
    assert lock is not None and not lock.is_locked(theirs)
    one.cleanup("conversation-3", theirs)
    assert one.get_lock("conversation-3") is None
