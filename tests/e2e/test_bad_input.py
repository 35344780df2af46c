"""Bad input through every channel, against the real servers: a clear 4xx or a polite reply,
never a 5xx, never a crash, and the server answers normally afterwards.
"""

from __future__ import annotations

import asyncio
import json
import uuid
import xml.etree.ElementTree as ET
from typing import Any, List

import pytest
import requests
import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.test_twilio_sms import new_number, params, post

HOSTILE_TEXTS = [
    "can she drop it\x00\x07\x1b[31m?",  # control characters and an ANSI escape
    "😀😀😀 can the victim drop the order? 🙏",
    "هل يمكن للضحية إسقاط أمر عدم الاتصال؟",  # Arabic, right to left
    "\u202ecan the victim drop it\u202c",  # a right-to-left override
    "<script>alert(document.cookie)</script>",
    '<img src=x onerror="alert(1)">',
    "'; DROP TABLE events; --",
    "{{7*7}} ${7*7} %s %n",
    '/inform_role{"role": "x" * 100}',  # a broken intent payload
    "\ud83d",  # a lone surrogate (only broken clients send one)
]


def rest(stack, body: Any = None, *, raw: bytes = None, content_type="application/json"):
    data = raw if raw is not None else json.dumps(body).encode()
    return requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", data=data,
                         headers={"Content-Type": content_type}, timeout=60)  # fmt: skip


def texts(reply: requests.Response) -> List[str]:
    assert reply.status_code == 200, reply.text
    return [m.get("text", "") for m in reply.json()]


def sender() -> str:
    return f"bad-{uuid.uuid4().hex[:10]}"


def still_answers(stack) -> None:
    said = texts(rest(stack, {"sender": sender(), "message": "what is a peace bond?"}))
    assert any("peace bond" in t.lower() for t in said)


# --- REST -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("message", ["", "   ", "\n\t \u200b"])
def test_an_empty_message_gets_a_polite_reply_with_911(stack, message):
    said = texts(rest(stack, {"sender": sender(), "message": message}))
    assert len(said) == 1 and "911" in said[0] and "didn't get any words" in said[0]


def test_a_message_that_is_not_text_gets_a_polite_reply(stack):
    for message in (42, None, ["hi"], {"text": "hi"}, True):
        said = texts(rest(stack, {"sender": sender(), "message": message}))
        assert "only read text" in said[0] and "911" in said[0]


def test_a_message_over_the_limit_asks_for_a_shorter_one(stack):
    limit = stack.config.max_message_chars
    said = texts(rest(stack, {"sender": sender(), "message": "a" * (limit + 1)}))
    assert "too long" in said[0] and f"{limit:,}" in said[0] and "911" in said[0]
    # At the limit it is still read.
    said = texts(rest(stack, {"sender": sender(), "message": "can she drop it " * (limit // 17)}))
    assert "too long" not in " ".join(said)


def test_an_over_long_message_that_signals_danger_gets_the_safety_reply(stack):
    text = "so my question is about the bail conditions and the court. " * 60
    said = texts(rest(stack, {"sender": sender(), "message": text + "he just broke in and "
                              "he has a knife, i'm hiding in the bathroom"}))  # fmt: skip
    assert "911" in said[0] and "too long" not in " ".join(said)
    assert len(said) >= 2  # the crisis lines follow


def test_a_100_kb_body_is_refused_before_it_is_read(stack):
    reply = rest(stack, {"sender": sender(), "message": "x" * 100_000})
    assert reply.status_code == 413


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_hostile_text_gets_an_answer(stack, text):
    said = texts(rest(stack, {"sender": sender(), "message": text}))
    assert said and all(s.strip() for s in said)
    assert not any("<script" in s or "onerror" in s for s in said)  # never echoed back


@pytest.mark.parametrize(
    "raw, content_type, status",
    [
        (b'{"sender": "a", "message": ', "application/json", 400),  # cut off
        (b"\xff\xfe\x00not utf-8", "application/json", 400),
        (b'{"sender": "a", "message": "caf\xe9"}', "application/json", 400),  # Latin-1 byte
        (b'["sender", "message"]', "application/json", 400),
        (b'"just a string"', "application/json", 400),
        (b"null", "application/json", 400),
        (b"", "application/json", 400),
        (b"sender=a&message=hi", "application/x-www-form-urlencoded", 415),
        (b'{"sender": "a", "message": "hi"}', "text/plain", 415),
        (b'{"sender": "a", "message": "hi"}', "", 415),
    ],
)
def test_malformed_requests_get_a_clear_4xx(stack, raw, content_type, status):
    reply = rest(stack, raw=raw, content_type=content_type)
    assert reply.status_code == status
    assert reply.json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        {"message": "hi"},  # no sender
        {"sender": 12, "message": "hi"},
        {"sender": "", "message": "hi"},
        {"sender": "a b", "message": "hi"},
        {"sender": "x" * 500, "message": "hi"},
        {"sender": "ok-sender", "message": "hi", "metadata": "not an object"},
        {"sender": "ok-sender"},  # no message
    ],
)
def test_bad_fields_get_400_with_the_reason(stack, body):
    reply = rest(stack, body)
    assert reply.status_code == 400
    assert reply.json()["error"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda children: st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["sender", "message", "metadata", "x"]), children, max_size=4
        ),  # fmt: skip
        max_leaves=8,
    )
)
def test_any_json_body_gets_a_4xx_or_an_answer(stack, body):
    reply = rest(stack, body)
    assert reply.status_code < 500, reply.text
    if reply.status_code == 200:
        assert all("text" in m for m in reply.json())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=300))
def test_any_bytes_get_a_4xx_or_an_answer(stack, raw):
    assert rest(stack, raw=raw).status_code < 500


def test_the_server_still_answers_after_all_that(stack):
    still_answers(stack)


def test_no_traceback_in_the_rasa_log(stack):
    log = (stack.log_dir / "rasa.log").read_text(errors="replace")
    assert "Traceback" not in log


# --- socket.io --------------------------------------------------------------------------------------


async def socket_session(stack, events: List[tuple]) -> List[str]:
    """Connect as the widget does, send `events` ((name, data) pairs, "{session}" filled in),
    and return every bot message text received."""
    client = socketio.AsyncClient(reconnection=False)
    said: List[str] = []
    confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
    client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
    client.on("bot_uttered", lambda message: said.append(message.get("text", "")))
    await client.connect(stack.rasa_url, transports=["polling"],
                         headers={"Origin": stack.config.widget_origins[0]})  # fmt: skip
    try:
        await client.emit("session_request", {"session_id": None})
        session = await asyncio.wait_for(confirmed, 30)
        for name, data in events:
            if isinstance(data, dict) and data.get("session_id") == "{session}":
                data = {**data, "session_id": session}
            await client.emit(name, data)
            await asyncio.sleep(0.3)
        await asyncio.sleep(1.5)
    finally:
        await client.disconnect()
    return said


def test_socketio_malformed_events_are_ignored_and_text_gets_a_polite_reply(stack):
    limit = stack.config.max_message_chars
    events = [
        ("user_uttered", "just a string"),
        ("user_uttered", ["a", "list"]),
        ("user_uttered", None),
        ("user_uttered", {"message": "hi"}),  # no session
        ("user_uttered", {"message": "hi", "session_id": "x"}),  # not a valid session id
        ("user_uttered", {"message": "hi", "session_id": 42}),
        ("session_request", "not an object"),
        ("user_uttered", {"message": "", "session_id": "{session}"}),
        ("user_uttered", {"message": 7, "session_id": "{session}"}),
        ("user_uttered", {"message": "b" * (limit + 1), "session_id": "{session}"}),
        ("user_uttered", {"message": "hi", "session_id": "{session}", "metadata": "{not json"}),
    ]
    said = asyncio.run(socket_session(stack, events))
    assert any("didn't get any words" in s for s in said)
    assert any("only read text" in s for s in said)
    assert any("too long" in s for s in said)
    assert len([s for s in said if "911" in s]) >= 3
    assert len(said) >= 4  # the last, ordinary message was answered too
    still_answers(stack)


def test_socketio_nobody_can_write_into_another_visitors_session(stack):
    async def scenario() -> List[str]:
        origin = {"Origin": stack.config.widget_origins[0]}
        victim, intruder = socketio.AsyncClient(reconnection=False), socketio.AsyncClient(
            reconnection=False)  # fmt: skip
        seen: List[str] = []
        confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
        victim.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
        victim.on("bot_uttered", lambda message: seen.append(message.get("text", "")))
        await victim.connect(stack.rasa_url, transports=["polling"], headers=origin)
        await intruder.connect(stack.rasa_url, transports=["polling"], headers=origin)
        try:
            await victim.emit("session_request", {"session_id": None})
            session = await asyncio.wait_for(confirmed, 30)
            await intruder.emit("user_uttered", {"message": "what is a peace bond?",
                                                 "session_id": session})  # fmt: skip
            await asyncio.sleep(3)
        finally:
            await victim.disconnect()
            await intruder.disconnect()
        return seen

    assert asyncio.run(scenario()) == []  # the victim's window got nothing from the intruder


def test_socketio_an_oversized_packet_does_not_take_the_server_down(stack):
    async def oversized() -> None:
        client = socketio.AsyncClient(reconnection=False)
        await client.connect(stack.rasa_url, transports=["polling"],
                             headers={"Origin": stack.config.widget_origins[0]})  # fmt: skip
        try:
            await client.emit("user_uttered", {"message": "z" * 200_000, "session_id": "s" * 32})
            await asyncio.sleep(1)
        finally:
            await client.disconnect()

    asyncio.run(oversized())
    said = asyncio.run(socket_session(stack, [("user_uttered", {
        "message": "what is a peace bond?", "session_id": "{session}"})]))  # fmt: skip
    assert said


# --- Twilio -----------------------------------------------------------------------------------------


def sms_parts(reply: requests.Response) -> List[str]:
    assert reply.status_code == 200, reply.text
    return [m.text or "" for m in ET.fromstring(reply.text).iter("Message")]


@pytest.mark.parametrize("body", HOSTILE_TEXTS[:8])
def test_sms_hostile_text_gets_an_answer(stack, body):
    parts = sms_parts(post(stack, params(new_number(), body)))
    assert parts and all(p.strip() for p in parts)


def test_sms_over_the_limit_asks_for_a_shorter_one(stack):
    parts = sms_parts(post(stack, params(new_number(), "c" * (stack.config.max_message_chars + 5))))
    assert "too long" in parts[0] and "911" in parts[0]


def test_sms_malformed_requests_get_4xx(stack):
    url = f"{stack.rasa_url}/webhooks/twilio/webhook"
    for data, content_type in [(b"\xff\xfe\x00", "application/x-www-form-urlencoded"),
                               (b'{"From": "+1"}', "application/json"), (b"", "")]:  # fmt: skip
        reply = requests.post(url, data=data, headers={"Content-Type": content_type}, timeout=30)
        assert 400 <= reply.status_code < 500
    big = requests.post(url, data=b"Body=" + b"x" * 100_000, timeout=30,
                        headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert big.status_code == 413
