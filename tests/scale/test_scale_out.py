"""Rasa's own horizontal model, for real on loopback: three Rasa servers behind nginx (round
robin), one PostgreSQL tracker store and one Redis lock store, all set through endpoints.yml
from the environment. Concurrent conversations whose turns land on different servers must come
out complete and in order, with nothing lost or doubled.
"""

from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List

import pytest
import requests
import sqlalchemy as sa

from bot.launcher import Stack
from tests.support.nginx import Nginx
from tests.support.postgres import PostgresServer
from tests.support.redis_server import RedisServer
from tests.support.stack import free_port, stack_settings

RASA_SERVERS = 3
CONVERSATIONS = 12
TURNS = [
    "hi",
    "can the victim drop the no contact order?",
    "I'm on the order",
    "how long does it take to get it changed?",
    "what happens if i break it",
    "where does that come from?",
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("scale")
    postgres = PostgresServer().start()
    redis = RedisServer().start()
    stacks: List[Stack] = []
    nginx = None
    try:
        base = stack_settings(data_dir, tracker_url=postgres.url, redis_url=redis.url)
        ports = [free_port() for _ in range(RASA_SERVERS)]
        for i, port in enumerate(ports):
            config = stack_settings(
                data_dir, tracker_url=postgres.url, redis_url=redis.url, rasa_port=port,
                action_port=base.action_port,
            )  # fmt: skip
            stack = Stack(config, log_dir=data_dir / f"logs-{i}")
            if i == 0:
                stack.start_process("actions")  # one action server serves every Rasa server
            stack.start_process("rasa")
            stacks.append(stack)
        for stack in stacks:
            stack.wait_ready()
        nginx = Nginx(ports).start()
        yield {"nginx": nginx, "postgres": postgres, "stacks": stacks}
    finally:
        if nginx:
            nginx.stop()
        for stack in stacks:
            stack.stop()
        redis.stop()
        postgres.stop()


def say(cluster, sender: str, message: str) -> List[Dict]:
    reply = requests.post(
        f"{cluster['nginx'].url}/webhooks/rest/webhook",
        params={"c": sender},  # only for nginx's log: which conversation went where
        json={"sender": sender, "message": message},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def stored_events(cluster, sender: str) -> List[Dict]:
    engine = sa.create_engine(cluster["postgres"].url)
    with engine.connect() as db:
        rows = db.execute(
            sa.text("select data from events where sender_id = :s order by id"), {"s": sender}
        ).scalars()
        events = [json.loads(row) for row in rows]
    engine.dispose()
    return events


def assert_complete_and_in_order(events: List[Dict], messages: List[str], timed=True) -> None:
    users = [e for e in events if e["event"] == "user"]
    assert [u["text"] for u in users] == messages  # none lost, none doubled, in order
    # Every turn finished (a bot answer, then listening) before the next one started.
    turns: List[List[Dict]] = []
    for event in events:
        if event["event"] == "user":
            turns.append([])
        elif turns:
            turns[-1].append(event)
    for turn in turns:
        kinds = [e["event"] for e in turn]
        assert "bot" in kinds
        assert turn[-1]["event"] == "action" and turn[-1]["name"] == "action_listen"
    if timed:  # (a message that waited for the lock is stamped when it arrived)
        stamps = [e["timestamp"] for e in events]
        assert stamps == sorted(stamps)


def test_concurrent_conversations_across_servers_stay_complete_and_in_order(cluster):
    senders = [f"scale-{uuid.uuid4().hex[:8]}" for _ in range(CONVERSATIONS)]
    answers: Dict[str, List[List[Dict]]] = {s: [] for s in senders}

    def converse(sender: str) -> None:
        for message in TURNS:
            answers[sender].append(say(cluster, sender, message))

    with ThreadPoolExecutor(max_workers=CONVERSATIONS) as pool:
        list(pool.map(converse, senders))

    for sender in senders:
        assert all(answers[sender]), "every message got an answer"
        assert_complete_and_in_order(stored_events(cluster, sender), TURNS)
    where = cluster["nginx"].upstreams_by_conversation()
    assert len(set().union(*where.values())) == RASA_SERVERS  # every server took turns
    assert all(len(where[s]) >= 2 for s in senders)  # each conversation crossed servers


def test_messages_sent_at_once_in_one_conversation_are_taken_in_turn(cluster):
    """Pairs of messages land on different servers at the same moment; the Redis lock store
    makes them wait for each other, so no turn is lost or mixed into another."""
    sender = f"burst-{uuid.uuid4().hex[:8]}"
    say(cluster, sender, "hi")
    pairs = [("can the victim drop it?", "what happens if it's broken?"),
             ("how long does it take?", "who decides?"),
             ("I'm on the order", "can we talk if she calls me?")] * 2  # fmt: skip

    def send(message: str) -> List[Dict]:
        start.wait()
        return say(cluster, sender, message)

    with ThreadPoolExecutor(max_workers=2) as pool:
        for pair in pairs:
            start = threading.Barrier(2)
            replies = list(pool.map(send, pair))  # re-raises a failed request here
            assert all(replies)
    events = stored_events(cluster, sender)
    texts = [e["text"] for e in events if e["event"] == "user"]
    assert texts[0] == "hi"
    assert sorted(texts[1:]) == sorted(m for pair in pairs for m in pair)  # none lost
    assert_complete_and_in_order(events, texts, timed=False)
