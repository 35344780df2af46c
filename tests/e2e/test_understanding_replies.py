"""End to end: what a person sees when they ask about contact in their own words, tell a story
before the question, or ask two things at once."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.test_rest_conversation import payloads, say, texts

YES_LIKE = ("yes", "yeah", "sure", "ok", "okay", "that's fine", "fine", "of course", "you can")

# The three from the issue, then ten more like them that are in no training file.
CONTACT_QUESTIONS = [
    "is she allowed to text me",
    "is he allowed to call me",
    "am i allowed to see my kids",
    "is it ok if she comes over",
    "can my ex message me on facebook",
    "are we allowed to talk about the kids",
    "is she allowed to come to my work",
    "am i allowed to reply to his email",
    "is it allowed for him to send me flowers",
    "can we meet for coffee if we both want to",
    "is my boyfriend allowed to visit me",
    "am i allowed to go to my own house",
    "can she text me happy birthday",
]


@pytest.mark.parametrize("question", CONTACT_QUESTIONS)
def test_a_question_about_contact_never_gets_a_reply_that_reads_as_permission(stack, question):
    replies = say(stack, f"contact-{uuid.uuid4()}", question)
    said = texts(replies)
    assert replies, "no reply"
    assert not replies[0]["text"].lower().startswith(YES_LIKE), replies[0]["text"]
    assert "That's fine" not in said
    assert "general answers" not in said  # the reply to "I'd rather not say", not to a question


def test_a_story_is_answered_by_the_question_at_its_end(stack):
    sender = f"story-{uuid.uuid4()}"
    say(stack, sender, '/inform_role{"role":"protected_person"}')
    story = (
        "My boyfriend and I had a fight at a party in the spring. The police came and he was "
        "charged. He has been living at his brother's place since then and we both hate it. "
        "How long does it usually take to get the no contact condition changed?"
    )
    replies = say(stack, sender, story)
    assert "no set time" in replies[0]["text"], texts(replies)


def test_two_questions_get_the_first_answered_and_the_second_offered(stack):
    sender = f"two-{uuid.uuid4()}"
    say(stack, sender, '/inform_role{"role":"accused"}')
    replies = say(
        stack, sender, "How long does a bail variation take? And do I need a lawyer for it?"
    )
    assert "no set time" in replies[0]["text"]
    assert "/ask_lawyer_help" in payloads(replies)
