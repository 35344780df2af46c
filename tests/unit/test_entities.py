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


# Roles said in people's own words (issue 17): who the writer is, from how they talk about the
# order. Phrasings that could come from either side stay unknown, and the assistant asks.
ROLE_PHRASINGS = [
    ("I'm the accused's mom and I'm worried about him", "family_member"),
    ("we're the sureties for our daughter", "surety"),
    ("she got a restraining order against me last year", "accused"),
    ("I have a protective order against my husband and he keeps texting", "protected_person"),
    (
        "my husband has a no contact with me and i want it gone. can your firm help",
        "protected_person",
    ),
    ("my son's on bail with a no contact with his ex but she keeps calling", "family_member"),
    ("i'm the one with the bail conditions", "accused"),
    ("i have conditions not to contact her", "accused"),
    ("my conditions say no contact with my wife", "accused"),
    ("my release says i cant go near her house", "accused"),
    ("i signed an undertaking with the police", "accused"),
    ("the police released me on an undertaking", "accused"),
    ("i'm on a peace bond with my neighbour", "accused"),
    ("my ex got a restraining order against me", "accused"),
    ("she has a restraining order against me", "accused"),
    ("there's a no contact order on me", "accused"),
    ("im the one who cant contact her", "accused"),
    ("i got released yesterday with a no contact condition", "accused"),
    ("i was released on conditions", "accused"),
    ("I have a restraining order against my ex", "protected_person"),
    ("i got a restraining order against him", "protected_person"),
    ("the order is on him not me", "protected_person"),
    ("he's the one with the no contact order", "protected_person"),
    ("my husband is on bail and can't contact me", "protected_person"),
    ("my boyfriend has a no contact order with me", "protected_person"),
    ("he has conditions not to contact me", "protected_person"),
    ("his bail says he can't contact me", "protected_person"),
    ("my ex is on probation and not allowed to contact me", "protected_person"),
    ("i'm the one he isn't allowed to contact", "protected_person"),
    ("the no contact order protects me", "protected_person"),
    ("i'm the person protected by the order", "protected_person"),
    ("i have a peace bond against my neighbour", "protected_person"),
    ("he was charged with assaulting me", "protected_person"),
    ("my son is on probation and can't contact his ex", "family_member"),
    ("my brother has a no contact order with his wife", "family_member"),
    ("my dad has a no contact with my mom", "family_member"),
    ("my son has bail conditions", "family_member"),
    ("i'm his mom and he's on bail", "family_member"),
    ("I'm his surety", "surety"),
    ("i'm the surety for my daughter", "surety"),
    ("can we get an appointment for her, i'm her surety", "surety"),
    ("i signed as surety for my son", "surety"),
    ("i'm the surety and he broke his conditions", "surety"),
    ("we are the sureties for our son", "surety"),
    ("i pledged money for my brother's bail", "surety"),
    ("my husband and i are her sureties", "surety"),
    ("his conditions say he cant contact me", "protected_person"),
]
STAYS_UNKNOWN = [
    "what does a surety have to do",
    "can the victim drop the order",
    "what is a no contact order",
    "how long does a bail variation take",
    "can my son come to the house",
    "what happens if someone breaks a peace bond",
    "is a restraining order the same as a peace bond",
    "who decides if the order changes",
    "can he call me",
    "what if she texts me",
    "my friend asked me about no contact orders",
    "i have a no contact order with my ex",
    "i'm the one on the order",
    "my gf texted me last night saying she misses me. i have a no contact",
    "my no contact condition",
    "my sister's ex has a restraining order against her",
]


@pytest.mark.parametrize("text, role", ROLE_PHRASINGS)
def test_the_role_is_taken_from_the_words(nlp, text, role):
    assert extract(nlp, text).get("role") == role


@pytest.mark.parametrize("text", STAYS_UNKNOWN)
def test_a_phrasing_either_side_could_use_stays_unknown(nlp, text):
    assert "role" not in extract(nlp, text)


def test_at_least_sixty_phrasings_across_the_four_roles():
    roles = {role for _text, role in ROLE_PHRASINGS}
    assert len(ROLE_PHRASINGS) >= 45 and len(ROLE_PHRASINGS) + len(STAYS_UNKNOWN) >= 60
    assert roles == {"accused", "protected_person", "family_member", "surety"}
