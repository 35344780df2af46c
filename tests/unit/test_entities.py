"""Role and order-type phrases: the span ruler built from data/spacy, and the span choice."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu.entities import RulerSpan, choose_entities, spans_from_doc
from bot.nlu.spacy_pipeline import build_nlp, load_patterns, ruler_patterns

PATTERNS = Path(__file__).resolve().parents[2] / "data" / "spacy" / "entity_patterns.yml"


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(ruler_patterns(load_patterns(PATTERNS)))


def extract(nlp, text):
    # Rasa's SpacyNLP lowercases before spaCy sees the text (case_sensitive: false).
    return {e["entity"]: e["value"] for e in choose_entities(spans_from_doc(nlp(text.lower())))}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I'm the victim and I want to drop it", {"role": "protected_person"}),
        ("he's not allowed to contact me anymore", {"role": "protected_person"}),
        ("my bail says no contact with my ex", {"role": "accused", "order_type": "bail_condition"}),
        ("Im on bail and she keeps calling", {"role": "accused", "order_type": "bail_condition"}),
        (
            "my son was charged and has a non-com",
            {"role": "family_member", "order_type": "bail_condition"},
        ),
        ("I'm his surety, what happens if he breaches", {"role": "surety"}),
        ("can the crown lift a PEACE BOND", {"order_type": "peace_bond"}),
        ("it's a family court restraining order", {"order_type": "restraining_order"}),
        ("i'm on probation for two years", {"role": "accused", "order_type": "probation"}),
        ("the police gave me an undertaking", {"order_type": "undertaking"}),
        ("can my son come to the house", {}),
    ],
)
def test_phrases_give_roles_and_order_types(nlp, text, expected):
    assert extract(nlp, text) == expected


def test_longest_phrase_wins_then_the_last():
    spans = [
        RulerSpan("order_type:bail_condition", 10, 14),
        RulerSpan("role:accused", 0, 14),
        RulerSpan("role:surety", 20, 30),
        RulerSpan("role:protected_person", 40, 54),
    ]
    chosen = {e["entity"]: e["value"] for e in choose_entities(spans)}
    assert chosen == {"role": "protected_person", "order_type": "bail_condition"}


def test_malformed_labels_are_ignored():
    assert choose_entities([RulerSpan("nonsense", 0, 3), RulerSpan("role:", 0, 3)]) == []


def test_no_phrase_points_to_two_values():
    seen = {}
    for entity, values in load_patterns(PATTERNS).items():
        for value, phrases in values.items():
            for phrase in phrases:
                key = (entity, phrase.lower())
                assert seen.setdefault(key, value) == value, f"{phrase!r} is listed twice"


def test_bad_pattern_files_are_refused(tmp_path):
    bad = tmp_path / "p.yml"
    bad.write_text("entities:\n  role:\n    accused: []\n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_patterns(bad)
