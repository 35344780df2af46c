"""Safety replies that fit the person and the message, through the running servers (issue 15).

Each test is a new conversation over the REST channel; the texts are what a person would see.
"""

from __future__ import annotations

import uuid

from tests.e2e.test_rest_conversation import payloads, say, texts


def new(name: str) -> str:
    return f"{name}-{uuid.uuid4()}"


def test_a_mixed_message_gets_911_first_then_its_question_as_a_button(stack):
    replies = say(stack, new("mixed"), "how long does a variation take? he's parked outside again")
    assert "911" in replies[0]["text"]
    assert replies[-1]["text"] == "When you are safe, I can answer what you asked:"
    assert payloads(replies) == ["/ask_lift_timeline"]
    # the button answers the question that waited, in the same conversation
    sender = new("mixed-then")
    say(stack, sender, "how long does a variation take? he's parked outside again")
    answer = texts(say(stack, sender, "/ask_lift_timeline"))
    assert "no set time" in answer.lower()


def test_danger_alone_gets_no_offer_and_no_booking(stack):
    replies = say(stack, new("danger"), "he's outside my house right now and i'm scared")
    assert "911" in replies[0]["text"]
    assert "When you are safe" not in texts(replies)
    assert "/book_consultation" not in payloads(replies)


def test_a_protected_person_is_not_told_her_message_can_be_a_breach(stack):
    replies = say(
        stack, new("protected"), "The order protects me. Can my sister talk to him for me?"
    )
    said = texts(replies)
    assert "binds the other person, not you" in said
    assert "breach of the order" not in said and "Please don't" not in said
    assert "/book_consultation" not in payloads(replies)


def test_a_threat_of_self_harm_used_as_pressure_gets_what_to_do_not_988_for_her(stack):
    replies = say(stack, new("threat"), "he says he will kill himself if I don't drop it")
    first = replies[0]["text"]
    assert first.startswith("If they might hurt themselves right now, call 911 for them.")
    assert "does not change the order" in first
    assert "If you might hurt yourself" not in texts(replies)


def test_danger_to_someone_else_is_told_to_call_911_for_them(stack):
    replies = say(
        stack, new("relative"), "my sister's ex just broke into her place, she's screaming"
    )
    assert replies[0]["text"].startswith("If someone is in danger right now, call 911 for them.")


def test_a_question_that_only_mentions_contact_is_answered_not_treated_as_danger(stack):
    for message in ("can he call me", "what if she texts me"):
        replies = say(stack, new("contact"), message)
        assert not replies[0]["text"].startswith("If you are in danger right now"), message
