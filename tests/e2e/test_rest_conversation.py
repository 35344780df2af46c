"""End to end: the real action server and Rasa server, talked to over the REST channel."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid

import requests

from bot.launcher import Stack


def say(stack: Stack, sender: str, message: str):
    reply = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=30,
    )
    assert reply.status_code == 200
    return reply.json()


def texts(replies) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def payloads(replies):
    return [b["payload"] for r in replies for b in r.get("buttons", [])]


def test_greeting_says_bot_information_not_advice_and_911(stack):
    replies = say(stack, f"greet-{uuid.uuid4()}", "hello")
    assert "automated assistant" in replies[0]["text"]
    assert "not legal advice" in replies[0]["text"]
    assert "911" in replies[0]["text"]


def test_role_question_then_role_aware_answer_then_sources(stack):
    sender = f"accused-{uuid.uuid4()}"
    first = say(stack, sender, "can my girlfriend drop the no contact order?")
    assert "who are you in this case" in texts(first)
    assert '/inform_role{"role":"accused"}' in payloads(first)

    answer = say(stack, sender, '/inform_role{"role":"accused"}')
    said = texts(answer)
    assert said.startswith("No.")
    assert "Do not answer any contact" in said
    assert "/book_consultation" in payloads(answer)

    sources = say(stack, sender, "where does that come from?")
    assert "Criminal Code s. 519.1" in texts(sources)


def test_danger_gets_911_first_and_no_booking(stack):
    replies = say(stack, f"danger-{uuid.uuid4()}", "he's outside my house right now and i'm scared")
    assert "911" in replies[0]["text"]
    assert "1-866-863-0511" in texts(replies)
    assert "/book_consultation" not in payloads(replies)


def test_protected_person_is_not_booked(stack):
    sender = f"protected-{uuid.uuid4()}"
    say(stack, sender, "i'm the victim and i want him to be able to contact me")
    replies = say(stack, sender, "i want to book a consultation")
    assert "represents people who are accused" in texts(replies)
    assert "/book_consultation" not in payloads(replies)


def test_conversation_survives_a_server_restart(stack):
    sender = f"restart-{uuid.uuid4()}"
    say(stack, sender, "my son was charged and has a no contact order, can the victim drop it")

    stack.restart("rasa")

    # The role (family member) was stored in SQLite, so the answer fits without a new question.
    replies = say(stack, sender, "what happens if he breaks it")
    said = texts(replies)
    assert "who are you in this case" not in said
    assert "must not reply to any contact" in said

    with sqlite3.connect(stack.config.tracker_db) as db:
        (count,) = db.execute(
            "select count(*) from events where sender_id = ?", (sender,)
        ).fetchone()
    assert count > 10


def tracker_events(stack: Stack, sender: str):
    import json

    with sqlite3.connect(stack.config.tracker_db) as db:
        rows = db.execute(
            "select data from events where sender_id = ? order by id", (sender,)
        ).fetchall()
    return [json.loads(row[0]) for row in rows]


def test_a_question_that_also_signals_danger_is_handled_as_danger_and_flagged(stack):
    sender = f"mixed-{uuid.uuid4()}"
    replies = say(stack, sender, "how long does it take to lift it? he's parked outside again")
    assert "911" in replies[0]["text"]
    assert "How long" not in texts(replies) and "no set time" not in texts(replies)
    assert "/book_consultation" not in payloads(replies)
    flags = [
        e["value"] for e in tracker_events(stack, sender)
        if e["event"] == "slot" and e["name"] == "safety_flag"
    ]  # fmt: skip
    assert flags == ["danger"]


def test_self_harm_gets_988_and_911(stack):
    replies = say(
        stack, f"selfharm-{uuid.uuid4()}", "i can't do this anymore, i want to end my life"
    )
    assert "9-8-8" in replies[0]["text"] and "911" in replies[0]["text"]
    assert "/book_consultation" not in payloads(replies)


def test_accused_asking_to_pass_a_message_is_warned(stack):
    sender = f"influence-{uuid.uuid4()}"
    replies = say(stack, sender, "i'm on bail, can my sister pass a message to her for me")
    said = texts(replies)
    assert "can be a breach" in said
    assert "Crown" in said


def test_booking_through_rest_is_stored_and_delivered_once(stack, destination):
    sender = f"booking-{uuid.uuid4()}"
    assert "name should the firm use" in texts(
        say(stack, sender, "i'm on bail and i want to book a consultation")
    )
    assert "best way to reach you" in texts(say(stack, sender, "Sam Lee"))
    assert "10-digit" in texts(say(stack, sender, "my cell"))  # rejected, explained, asked again
    assert "voicemail" in texts(say(stack, sender, "416 555 0123"))
    assert "good time" in texts(say(stack, sender, "no"))
    assert "court date" in texts(say(stack, sender, "evening"))
    assert "Privacy" in texts(say(stack, sender, "skip"))  # the courthouse question is skipped too
    done = texts(say(stack, sender, "yes"))
    assert "saved" in done and "without leaving a message" in done

    # The webhook stand-in failed the first attempt (HTTP 500); the worker retries.
    def ours():
        return [v for v in destination.leads.values() if v["lead"]["contact"] == "+14165550123"]

    deadline = time.monotonic() + 60
    while not ours() and time.monotonic() < deadline:
        time.sleep(0.5)
    leads = ours()
    assert len(leads) == 1
    assert leads[0]["lead"]["contact"] == "+14165550123"
    assert leads[0]["lead"]["message_ok"] is False
    assert "what happened" not in json.dumps(leads[0])

    # The action server keeps serving after a failed delivery.
    assert "No." in texts(say(stack, sender, "can the victim drop the order?"))


def test_danger_mid_form_ends_it_with_911_first(stack):
    sender = f"formdanger-{uuid.uuid4()}"
    say(stack, sender, "my son was charged, i want to book a consultation for him")
    replies = say(stack, sender, "wait he's outside my house right now")
    assert "911" in replies[0]["text"]
    assert "name should the firm use" not in texts(replies)
    after = texts(say(stack, sender, "what happens if the order is broken"))
    assert "name should the firm use" not in after  # the form did not resume
