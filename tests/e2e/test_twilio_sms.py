"""SMS and WhatsApp over the Twilio channel, against the real servers.

Requests are signed exactly as Twilio signs them (the twilio library's RequestValidator) with a
test token, for the public https address Twilio would be given; Rasa listens on loopback, as it
would behind a proxy.
"""

from __future__ import annotations

import random
import sqlite3
import time
import uuid
import xml.etree.ElementTree as ET
from typing import Dict, List

import pytest
import requests
from twilio.request_validator import RequestValidator

from bot.channels.twilio import sender_key
from tests.e2e.conftest import TWILIO_PUBLIC_URL, TWILIO_TOKEN

FIRM_NUMBER = "+14165550000"


# Each test texts from a number no other test used, so each starts a new conversation: with
# four random digits, two of the session's numbers met now and then, and the second test saw
# the first one's conversation (no privacy notice, a turn that was not the first). The numbers
# stay in 416-555 so that each is also a valid phone number for the booking form.
_SUFFIXES = iter(random.sample(range(10_000), 1_000))


def new_number() -> str:
    return f"+1416555{next(_SUFFIXES):04d}"


def post(stack, params: Dict[str, str], url: str = TWILIO_PUBLIC_URL, token: str = TWILIO_TOKEN,
         signature: str = None) -> requests.Response:  # fmt: skip
    if signature is None:
        signature = RequestValidator(token).compute_signature(url, params)
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return requests.post(
        f"{stack.rasa_url}/webhooks/twilio/webhook", data=params, headers=headers, timeout=30
    )


def params(number: str, body: str) -> Dict[str, str]:
    return {
        "From": number,
        "To": FIRM_NUMBER,
        "Body": body,
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "NumMedia": "0",
    }


def text(stack, number: str, body: str) -> List[str]:
    """Send one text as Twilio would; the parts of the reply, in order."""
    reply = post(stack, params(number, body))
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"].startswith("application/xml")
    return [message.text or "" for message in ET.fromstring(reply.text).iter("Message")]


def joined(parts: List[str]) -> str:
    return "\n".join(parts)


def events_mentioning(stack, needle: str) -> int:
    with sqlite3.connect(stack.config.tracker_db) as db:
        (count,) = db.execute(
            "select count(*) from events where sender_id like ? or data like ?",
            (f"%{needle}%", f"%{needle}%"),
        ).fetchone()
    return count


def conversation_events(stack, number: str) -> int:
    sender = sender_key(number, stack.config.sender_hash_key)
    with sqlite3.connect(stack.config.tracker_db) as db:
        (count,) = db.execute(
            "select count(*) from events where sender_id = ?", (sender,)
        ).fetchone()
    return count


def test_a_signed_text_gets_the_answer_with_the_privacy_notice_first(stack):
    number = new_number()
    parts = text(stack, number, "can the victim drop the no contact order?")
    assert parts[0].startswith("Texts stay on this phone")
    said = joined(parts)
    assert "who are you in this case?" in said
    assert "1. I'm on the order" in said and "Reply with a number" in said
    assert all(len(part) <= stack.config.sms_part_chars for part in parts)

    # "1" is the first option offered: the role question is answered, then the topic.
    said = joined(text(stack, number, "1"))
    assert "cannot drop it" in said
    assert "Texts stay on this phone" not in said  # the notice is for the first reply only


@pytest.mark.parametrize(
    "case",
    ["forged", "unsigned", "another_url", "another_token", "tampered_body", "wrong_port"],
)
def test_requests_not_signed_by_twilio_for_this_address_get_403(stack, case):
    number = new_number()
    body = params(number, "can the victim drop it?")
    if case == "forged":
        reply = post(stack, body, signature="bm90IGEgcmVhbCBzaWduYXR1cmU=")
    elif case == "unsigned":
        reply = post(stack, body, signature="")
    elif case == "another_url":  # the address Rasa sees, not the one Twilio was given
        reply = post(stack, body, url=f"{stack.rasa_url}/webhooks/twilio/webhook")
    elif case == "another_token":
        reply = post(stack, body, token="someone-elses-token")
    elif case == "wrong_port":
        reply = post(stack, body, url=TWILIO_PUBLIC_URL.replace(".ca/", ".ca:8443/"))
    else:  # signed for one message, sent with another
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(TWILIO_PUBLIC_URL, body)
        reply = post(stack, {**body, "Body": "i'm the accused"}, signature=signature)
    assert reply.status_code == 403
    assert "who are you" not in reply.text
    assert conversation_events(stack, number) == 0  # nothing reached the conversation


def test_the_phone_number_is_never_stored(stack):
    number = new_number()
    text(stack, number, "hello")
    text(stack, number, "what happens if the order is broken?")
    assert conversation_events(stack, number) > 0
    assert events_mentioning(stack, number[2:]) == 0  # not in any sender id or event
    logs = "".join(p.read_text(errors="replace") for p in stack.log_dir.glob("*.log"))
    assert number[2:] not in logs


def test_a_whole_booking_over_sms(stack, destination):
    number = new_number()
    said = joined(text(stack, number, "i'm on bail and i want to book a consultation"))
    assert "name should the firm use" in said
    assert "best way to reach you" in joined(text(stack, number, "Sam"))
    contact = new_number()
    said = joined(text(stack, number, contact.replace("+1", "")))
    assert "voicemail" in said and "2. No, don't leave one" in said
    assert "good time" in joined(text(stack, number, "2"))
    assert "court date" in joined(text(stack, number, "3"))  # 3. Evening
    assert "Privacy" in joined(text(stack, number, "1"))  # 1. Skip
    said = joined(text(stack, number, "yes"))
    assert "saved" in said and "without leaving a message" in said

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        leads = [v["lead"] for v in destination.leads.values() if v["lead"]["contact"] == contact]
        if leads:
            break
        time.sleep(0.5)
    assert len(leads) == 1
    assert leads[0]["channel"] == "twilio"
    assert leads[0]["time_window"] == "evening" and leads[0]["message_ok"] is False
    # The person is reached through the details they gave; the number they texted from is not
    # kept anywhere.
    assert number[2:] not in str(leads[0])
    assert events_mentioning(stack, number[2:]) == 0


def test_danger_over_sms_gets_911_first(stack):
    number = new_number()
    parts = text(stack, number, "he's outside my house right now and i'm scared")
    assert "911" in parts[0], parts
    said = joined(parts)
    assert "Texts stay on this phone" in said, parts  # the first reply carries the notice
    assert said.index("911") < said.index("Texts stay on this phone")  # safety before notice
    assert "1-866-863-0511" in said
    assert "Book a consultation" not in said


@pytest.mark.parametrize("cry", ["SOS", "help me!!"])
def test_a_short_cry_for_help_is_danger(stack, cry):
    parts = text(stack, new_number(), cry)
    assert "911" in parts[0]


def test_stop_gets_no_reply_and_help_gets_911_first(stack):
    number = new_number()
    assert text(stack, number, "STOP") == []
    assert conversation_events(stack, number) == 0
    parts = text(stack, number, "help")
    assert parts[0].startswith("If you are in danger, call 911.")
    assert "Reply STOP" in parts[0]


def test_a_photo_without_text_gets_a_polite_answer(stack):
    number = new_number()
    reply = post(stack, {**params(number, ""), "NumMedia": "1",
                         "MediaUrl0": "https://api.twilio.com/media/ME1"})  # fmt: skip
    assert reply.status_code == 200
    assert "I can only read text" in reply.text and "911" in reply.text
    assert conversation_events(stack, number) == 0


def test_whatsapp_gets_its_own_notice_and_conversation(stack):
    number = new_number()
    parts = text(stack, f"whatsapp:{number}", "can the victim drop it?")
    assert parts[0].startswith("WhatsApp keeps this chat")
    assert sender_key(f"whatsapp:{number}", "k").startswith("whatsapp-")
    assert conversation_events(stack, number) == 0  # the SMS conversation is separate


def test_long_answers_are_split_into_numbered_parts(stack):
    number = new_number()
    text(stack, number, "i'm on bail")
    parts = text(stack, number, "how do i get the no contact order changed?")
    assert len(parts) > 1
    assert all(len(part) <= stack.config.sms_part_chars for part in parts)
    assert [p.rsplit(" ", 1)[1] for p in parts] == [
        f"({i}/{len(parts)})" for i in range(1, len(parts) + 1)
    ]
