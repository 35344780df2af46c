"""Long messages are split into sentences, and the ones that ask something are found."""

from __future__ import annotations

import pytest

from bot.nlu.question_focus import is_question, questions, split_sentences


def texts(message):
    return [s.text for s in split_sentences(message)]


def test_a_story_then_a_question_is_split_and_the_question_found():
    message = "We had a fight in March. He is on bail now. Can I drop it?"
    assert texts(message) == ["We had a fight in March.", "He is on bail now.", "Can I drop it?"]
    assert [s.text for s in questions(split_sentences(message))] == ["Can I drop it?"]


def test_offsets_point_back_into_the_message():
    message = "  My wife put a protection order on me.   What can I do?  "
    for sentence in split_sentences(message):
        assert message[sentence.start : sentence.end] == sentence.text


def test_abbreviations_and_citations_do_not_end_a_sentence():
    assert texts("Mr. Smith got a s. 810 peace bond in the U.S. last week. Can he visit?") == [
        "Mr. Smith got a s. 810 peace bond in the U.S. last week.",
        "Can he visit?",
    ]


@pytest.mark.parametrize("message", ["hes outside my house right now i dont know what to do", "hi"])
def test_a_message_without_sentence_ends_is_one_sentence(message):
    assert texts(message) == [message]


def test_empty_and_blank_messages_have_no_sentences():
    assert split_sentences("") == []
    assert split_sentences("   ") == []


@pytest.mark.parametrize(
    "sentence",
    ["Can I see or speak with the defendant?", "is she allowed to text me", "wat happens if i reply",
     "How long does it take", "am i allowed to see my kids", "If she calls me, do I answer?"],
)  # fmt: skip
def test_questions_are_recognised_with_or_without_a_question_mark(sentence):
    assert is_question(sentence)


@pytest.mark.parametrize(
    "sentence", ["I'm the accused.", "she keeps texting me", "The order protects me", "", "  "]
)
def test_statements_are_not_questions(sentence):
    assert not is_question(sentence)
