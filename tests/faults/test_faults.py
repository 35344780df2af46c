"""Fault injection against the real servers: the action server killed or hanging, the
PostgreSQL tracker store stopped mid-conversation and at start, Rasa killed mid-conversation.
Whatever fails, the person gets an answer that names 911, and no turn is lost.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from typing import List

import pytest
import requests
import sqlalchemy as sa

from bot.settings import ROOT
from tests.support.postgres import PostgresServer
from tests.support.slow_server import SlowServer
from tests.support.stack import free_port, running_stack, stack_settings

ROLE_QUESTION = "who are you in this case"


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, postgres):
    config = stack_settings(tmp_path_factory.mktemp("faults"), tracker_url=postgres.url,
                            action_timeout_s=3)  # fmt: skip
    with running_stack(config) as running:
        yield running


def say(stack, sender: str, message: str) -> List[str]:
    reply = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                          json={"sender": sender, "message": message}, timeout=60)  # fmt: skip
    assert reply.status_code == 200, reply.text
    return [m.get("text", "") for m in reply.json()]


def new_sender() -> str:
    return f"fault-{uuid.uuid4().hex[:10]}"


def stored_user_texts(postgres, sender: str) -> List[str]:
    engine = sa.create_engine(postgres.url)
    with engine.connect() as db:
        rows = db.execute(sa.text("select data from events where sender_id = :s and "
                                  "type_name = 'user' order by id"), {"s": sender}).scalars()  # fmt: skip
        texts = [json.loads(row)["text"] for row in rows]
    engine.dispose()
    return texts


def crash(stack, name: str) -> None:
    os.killpg(stack.processes.pop(name).pid, signal.SIGKILL)


def test_action_server_down_gets_a_safe_answer_then_recovers(stack):
    sender = new_sender()
    assert any("peace bond" in t.lower() for t in say(stack, sender, "what is a peace bond?"))
    crash(stack, "actions")
    said = " ".join(say(stack, sender, "how long does it take to change the order?"))
    assert said.startswith("If you are in danger, call 911.") and "problem on our side" in said
    # Safety answers come from Rasa itself, so they do not need the action server at all.
    danger = say(stack, new_sender(), "he's outside my door and he has a knife")
    assert "911" in danger[0]
    stack.start_process("actions")
    stack.wait_ready()
    assert any("peace bond" in t.lower() for t in say(stack, sender, "what is a peace bond?"))


def test_a_hanging_action_server_gets_a_safe_answer_within_the_time_limit(stack):
    stack.stop_process("actions")
    try:
        with SlowServer(stack.config.action_port):
            start = time.monotonic()
            said = " ".join(say(stack, new_sender(), "what is a peace bond?"))
            waited = time.monotonic() - start
    finally:
        stack.start_process("actions")
        stack.wait_ready()
    assert said.startswith("If you are in danger, call 911.") and "problem on our side" in said
    assert waited < stack.config.action_timeout_s + 5  # not Rasa's own 5 minutes


def test_tracker_store_stopped_mid_conversation_loses_no_turn(stack, postgres):
    sender = new_sender()
    turns = ["hi", "I'm on the order"]
    for message in turns:
        assert say(stack, sender, message)
    postgres.pause()
    try:
        during = ["what is a peace bond?", "what happens if i break it"]
        for message in during:
            assert say(stack, sender, message)  # still answered while the database is away
    finally:
        postgres.resume()
    deadline = time.monotonic() + 20  # written back by the store's own task, no new turn needed
    while time.monotonic() < deadline and stored_user_texts(postgres, sender) != turns + during:
        time.sleep(0.5)
    assert stored_user_texts(postgres, sender) == turns + during
    # The conversation goes on, and still knows the role given before the outage.
    said = " ".join(say(stack, sender, "can the victim drop the no contact order?"))
    assert ROLE_QUESTION not in said.lower()
    log = (stack.log_dir / "rasa.log").read_text(errors="replace")
    assert "Tracker store unreachable on save" in log and "Tracker store is back" in log


def test_rasa_killed_mid_conversation_resumes_it(stack, postgres):
    sender = new_sender()
    say(stack, sender, "I'm on the order")
    crash(stack, "rasa")
    stack.start_process("rasa")
    stack.wait_ready()
    said = " ".join(say(stack, sender, "can the victim drop the no contact order?"))
    assert ROLE_QUESTION not in said.lower()  # the role survived the crash
    # A new conversation is asked, which shows the question depends on the stored role.
    fresh = " ".join(say(stack, new_sender(), "can the victim drop the no contact order?"))
    assert ROLE_QUESTION in fresh.lower()


def test_rasa_refuses_to_start_without_its_tracker_store(tmp_path):
    url = f"postgresql://rasa:hunter2-secret@127.0.0.1:{free_port()}/noc"
    config = stack_settings(tmp_path, tracker_url=url, tracker_wait_s=1)
    from bot.launcher import Stack

    env = Stack(config).env()
    started = time.monotonic()
    run = subprocess.run(Stack(config).commands()["rasa"], cwd=ROOT, env=env, timeout=120,
                         capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 2
    assert "Cannot reach the tracker store at postgresql://rasa:***@127.0.0.1" in run.stderr
    assert "hunter2-secret" not in run.stderr + run.stdout
    assert time.monotonic() - started < 60
