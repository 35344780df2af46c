"""The intent classifier: how a message is read from its question, and the model underneath."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.nlu.classifier import read_message
from bot.nlu.embeddings import DEFAULT_DIR, StaticEmbeddings
from bot.nlu.intent_model import IntentModel, ModelConfig

CLASSES = ["ask_victim_drop_order", "ask_lawyer_help", "inform_role", "out_of_scope",
           "report_danger", "report_self_harm"]  # fmt: skip


def scorer(table):
    """A stand-in for the model: each text's scores come from `table` (unknown text: out_of_scope)."""

    def score(texts):
        rows = []
        for text in texts:
            row = np.zeros(len(CLASSES))
            for name, value in table.get(text, {"out_of_scope": 1.0}).items():
                row[CLASSES.index(name)] = value
            rows.append(row)
        return np.array(rows)

    return score


def test_a_story_is_read_from_its_question_when_the_question_is_clearer():
    message = "We had a fight in March. He is on bail. Can I drop it?"
    table = {
        message: {"out_of_scope": 0.4, "ask_victim_drop_order": 0.3},
        "Can I drop it?": {"ask_victim_drop_order": 0.9},
    }
    reading = read_message(message, CLASSES, scorer(table))
    assert reading.ranking[0] == {"name": "ask_victim_drop_order", "confidence": 0.9}
    assert reading.focus == "Can I drop it?"


def test_the_whole_message_wins_when_its_reading_is_surer():
    message = "My bail says no contact. She wants to drop it. What do I do?"
    table = {
        message: {"ask_victim_drop_order": 0.8},
        "What do I do?": {"out_of_scope": 0.5, "ask_lawyer_help": 0.4},
    }
    reading = read_message(message, CLASSES, scorer(table))
    assert reading.ranking[0]["name"] == "ask_victim_drop_order"
    assert reading.focus == "message"


def test_a_question_that_alone_is_out_of_scope_is_read_with_its_story():
    message = "My wife got a protection order against me. What can I do?"
    table = {
        message: {"ask_victim_drop_order": 0.5, "out_of_scope": 0.2},
        "What can I do?": {"out_of_scope": 0.8},
    }
    reading = read_message(message, CLASSES, scorer(table))
    assert reading.ranking[0] == {"name": "ask_victim_drop_order", "confidence": 0.5}
    assert reading.focus == "message"


def test_an_out_of_scope_question_in_an_out_of_scope_story_stays_out_of_scope():
    message = "I rent an apartment. Can my landlord raise the rent?"
    table = {
        message: {"out_of_scope": 0.6},
        "Can my landlord raise the rent?": {"out_of_scope": 0.9},
    }
    reading = read_message(message, CLASSES, scorer(table))
    assert reading.ranking[0] == {"name": "out_of_scope", "confidence": 0.9}


def test_a_second_question_on_another_topic_is_kept():
    message = "Can she drop it? And do I need a lawyer?"
    table = {
        message: {"ask_victim_drop_order": 0.6, "ask_lawyer_help": 0.3},
        "Can she drop it?": {"ask_victim_drop_order": 0.9},
        "And do I need a lawyer?": {"ask_lawyer_help": 0.8},
    }
    second = read_message(message, CLASSES, scorer(table)).second
    assert second == {
        "name": "ask_lawyer_help",
        "confidence": 0.8,
        "text": "And do I need a lawyer?",
    }


def test_a_question_is_never_read_as_a_role():
    table = {"is she allowed to text me": {"inform_role": 0.7, "ask_victim_drop_order": 0.2}}
    reading = read_message("is she allowed to text me", CLASSES, scorer(table))
    assert reading.ranking[0] == {"name": "ask_victim_drop_order", "confidence": 0.2}
    assert "inform_role" not in [r["name"] for r in reading.ranking if r["confidence"] > 0]


def test_a_statement_of_who_one_is_stays_a_role():
    table = {"i'm the accused": {"inform_role": 0.9}}
    assert (
        read_message("i'm the accused", CLASSES, scorer(table)).ranking[0]["name"] == "inform_role"
    )


def test_danger_in_one_sentence_is_reported_even_when_the_rest_is_a_question():
    message = "How long does a variation take? He is drunk and on his way over here right now."
    table = {
        message: {"ask_lawyer_help": 0.7, "report_danger": 0.2},
        "How long does a variation take?": {"ask_lawyer_help": 0.9},
        "He is drunk and on his way over here right now.": {"report_danger": 0.95},
    }
    reading = read_message(message, CLASSES, scorer(table))
    rows = {row["text"]: row["report_danger"] for row in reading.sentence_safety}
    assert rows[message] == pytest.approx(0.2)
    assert rows["He is drunk and on his way over here right now."] == pytest.approx(0.95)


# --- the model itself, on the real word vectors ------------------------------------------------

TRAIN = [
    ("can the victim drop the no contact order", "ask_victim_drop_order"),
    ("my girlfriend wants to drop the charges, can she", "ask_victim_drop_order"),
    ("can the complainant cancel the order", "ask_victim_drop_order"),
    ("do i need a lawyer for this", "ask_lawyer_help"),
    ("should i hire a defence lawyer", "ask_lawyer_help"),
    ("can legal aid help me", "ask_lawyer_help"),
    ("whats the weather tomorrow", "out_of_scope"),
    ("recommend a pizza place", "out_of_scope"),
    ("how do i renew my passport", "out_of_scope"),
]


@pytest.fixture(scope="module")
def vectors():
    if not (DEFAULT_DIR / "weights.safetensors").exists():
        pytest.fail(f"word vectors missing in {DEFAULT_DIR}: `make unit` installs them")
    return StaticEmbeddings.load(DEFAULT_DIR)


def test_the_model_learns_and_survives_a_save_and_load(tmp_path: Path, vectors):
    texts, intents = zip(*TRAIN, strict=True)
    model = IntentModel(ModelConfig(C=20.0), vectors).fit(texts, intents)
    probe = ["can the protected person drop it", "do i need a lawyer", "pizza near me"]
    before = model.probabilities(probe)
    assert [model.classes[i] for i in before.argmax(axis=1)] == [
        "ask_victim_drop_order", "ask_lawyer_help", "out_of_scope"]  # fmt: skip
    model.save(tmp_path)
    loaded = IntentModel.load(tmp_path, ModelConfig(C=20.0), vectors)
    assert np.allclose(loaded.probabilities(probe), before)


def test_a_saved_model_with_an_unexpected_type_is_refused(tmp_path: Path, vectors):
    from collections import OrderedDict

    import skops.io as sio

    texts, intents = zip(*TRAIN, strict=True)
    model = IntentModel(ModelConfig(), vectors).fit(texts, intents)
    sio.dump({"words": model.words, "chars": model.chars, "classifier": model.classifier,
              "smuggled": OrderedDict()}, tmp_path / "intent_model.skops")  # fmt: skip
    with pytest.raises(ValueError, match="not allowed"):
        IntentModel.load(tmp_path, ModelConfig(), vectors)


def test_word_vectors_put_synonyms_closer_than_unrelated_words(vectors):
    accused, defendant, pizza = vectors.encode(["the accused", "the defendant", "pizza"])
    assert accused @ defendant > accused @ pizza
    assert np.linalg.norm(accused) == pytest.approx(1.0, abs=1e-5)
    assert not vectors.encode([""]).any()


def test_sentence_vectors_ignore_case_and_weigh_rare_words_more(vectors):
    from bot.nlu.intent_model import SentenceVectors

    corpus = ["the order", "the breach", "the surety", "the crown", "the judge", "the bail"]
    sentence = SentenceVectors(vectors).fit(corpus)
    title, lower = sentence.encode(["What Is A Peace Bond", "what is a peace bond"])
    assert np.allclose(title, lower)
    the = vectors.token_ids("the")[0]
    breach = vectors.token_ids("breach")[0]
    assert sentence.idf[breach] > sentence.idf[the]


def test_words_are_counted_by_their_lemma():
    from bot.nlu.intent_model import normalise

    assert normalise("He BREACHED it twice, the children's 2 bonds") == (
        "he breach it twice, the child's 0 bond"
    )
