"""Bot messages as text messages, and the Twilio channel's pure helpers."""

from __future__ import annotations

import re

import pytest

from bot.channels import sms_replies
from bot.channels.twilio import keyword, sender_key

ANSWER = {
    "text": "No. The person the order protects cannot drop it. Only the legal process can change "
    "a bail condition. The Crown, the accused and any sureties can agree in writing, and then a "
    "justice must sign. Or a judge can change it at a bail review."
}
BOOK = {
    "text": "Next step: book.",
    "buttons": [{"title": "Book a consultation", "payload": "/book"}],
}
TYPES = {
    "text": "Pick the kind of order.",
    "buttons": [
        {"title": "Bail condition", "payload": "/bail"},
        {"title": "Peace bond", "payload": "/bond"},
    ],
}


def test_buttons_are_numbered_across_the_whole_turn():
    text = sms_replies.turn_text([ANSWER, BOOK, TYPES])
    assert "1. Book a consultation" in text
    assert "2. Bail condition" in text and "3. Peace bond" in text
    assert text.endswith("Reply with a number, or type your question.")


@pytest.mark.parametrize("body, payload", [("1", "/book"), (" 3. ", "/bond"), ("#2", "/bail"),
                                           ("2)", "/bail")])  # fmt: skip
def test_a_number_texted_back_is_the_option_with_that_number(body, payload):
    offered = sms_replies.buttons_of([ANSWER, BOOK, TYPES])
    assert sms_replies.choice_payload(body, offered) == payload


@pytest.mark.parametrize("body", ["0", "4", "12", "1 2", "one", "4165550123", ""])
def test_anything_else_is_left_as_typed(body):
    assert sms_replies.choice_payload(body, sms_replies.buttons_of([BOOK, TYPES])) is None


def test_no_options_no_mapping():
    assert sms_replies.choice_payload("1", []) is None


@pytest.mark.parametrize("limit", [70, 160, 320])
def test_long_text_is_split_into_numbered_parts_within_the_limit(limit):
    text = sms_replies.turn_text([ANSWER, BOOK, TYPES] * 3)
    parts = sms_replies.split_parts(text, limit)
    assert len(parts) > 1 and all(len(p) <= limit for p in parts)
    assert [re.search(r"\((\d+)/(\d+)\)$", p).groups() for p in parts] == [
        (str(i), str(len(parts))) for i in range(1, len(parts) + 1)
    ]
    # Nothing is lost or reordered: the words come back in the same order.
    rebuilt = " ".join(re.sub(r" \(\d+/\d+\)$", "", p) for p in parts)
    assert rebuilt.split() == text.split()


def test_parts_break_between_sentences_where_they_can():
    parts = sms_replies.split_parts(ANSWER["text"], 160)
    assert all(re.sub(r" \(\d+/\d+\)$", "", p).endswith(".") for p in parts)


def test_a_short_text_is_one_part_without_a_number():
    assert sms_replies.split_parts("Call 911.", 160) == ["Call 911."]
    assert sms_replies.split_parts("   ", 160) == []


def test_an_enormous_word_is_cut():
    parts = sms_replies.split_parts("x" * 500, 100)
    assert (
        all(len(p) <= 100 for p in parts) and "".join(p.split(" (")[0] for p in parts) == "x" * 500
    )


def test_notice_comes_first_except_after_a_safety_reply():
    danger = [{"text": "If you are in danger right now, call 911."}]
    first = sms_replies.reply_parts(danger, "sms", 1600, first_turn=True, safety_first=True)
    assert first[0].startswith("If you are in danger") and "Texts stay on this phone" in first[0]
    plain = sms_replies.reply_parts([ANSWER], "sms", 1600, first_turn=True, safety_first=False)
    assert plain[0].startswith("Texts stay on this phone")
    later = sms_replies.reply_parts([ANSWER], "sms", 1600, first_turn=False, safety_first=False)
    assert "Texts stay" not in later[0]
    whatsapp = sms_replies.reply_parts([ANSWER], "whatsapp", 1600, True, False)
    assert whatsapp[0].startswith("WhatsApp keeps this chat")


def test_every_channel_text_names_911_where_it_should():
    assert "911" in sms_replies.help_text()
    assert all("911" in sms_replies.notice(kind) for kind in ("sms", "whatsapp"))


@pytest.mark.parametrize(
    "body, word",
    [("STOP", "stop"), (" stop ", "stop"), ("Stop.", "stop"), ("unsubscribe", "stop"),
     ("cancel", "stop"), ("HELP", "help"), ("info", "help"), ("START", "start"),
     ("stop calling me", None), ("help me", None), ("yes", None), ("", None)],
)  # fmt: skip
def test_twilio_keywords_are_whole_messages(body, word):
    assert keyword(body) == word


def test_sender_key_hides_the_number_and_is_stable():
    key = sender_key("+14165550123", "secret")
    assert key.startswith("sms-") and "4165550123" not in key and len(key) == 36
    assert key == sender_key("+14165550123", "secret")
    assert key != sender_key("+14165550124", "secret")
    assert key != sender_key("+14165550123", "another secret")
    assert sender_key("whatsapp:+14165550123", "secret") == "whatsapp-" + key[4:]
