"""The training data and the conversation tests cover the contract's intents as promised."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SAFETY = {"report_danger", "report_pressure", "report_self_harm", "ask_influence_complainant"}
CONVERSATION = {
    "book_consultation", "inform_role", "request_human", "greet", "goodbye", "thank",
    "affirm", "deny", "bot_challenge", "out_of_scope", "ask_sources", "inform_order_type",
    "stop_form",
}  # fmt: skip


def examples_per_intent(folder: Path) -> Counter:
    counts: Counter = Counter()
    for path in folder.rglob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                lines = [ln for ln in block["examples"].splitlines() if ln.strip().startswith("- ")]
                counts[block["intent"]] += len(lines)
    return counts


def test_every_domain_intent_has_examples_at_real_scale(domain_yaml):
    counts = examples_per_intent(ROOT / "data" / "nlu")
    for intent in domain_yaml["intents"]:
        if intent == "out_of_scope":
            minimum = 400
        elif intent in CONVERSATION:
            minimum = 40
        else:  # FAQ topics and safety intents
            minimum = 120
        assert counts[intent] >= minimum, f"{intent}: {counts[intent]} examples, need {minimum}"


def test_every_faq_and_safety_intent_is_written_in_many_voices_and_forms(domain_yaml):
    from tests.nlu.spread import spread

    table = spread(ROOT / "data" / "nlu")
    topics = [i for i in domain_yaml["intents"] if i.startswith("ask_") and i != "ask_sources"]
    for intent in topics:
        row = table[intent]
        share = {form: row.forms[form] / row.total for form in row.forms}
        assert len(row.files) >= (6 if intent not in SAFETY else 3), f"{intent}: {row.files}"
        assert share.get("stories", 0) >= 0.03, f"{intent}: too few stories"
        assert share.get("statements", 0) >= 0.05, f"{intent}: too few statements"
        assert share.get("bare", 0) >= 0.2, f"{intent}: too few unpunctuated messages"
        assert share.get("us", 0) >= 0.03, f"{intent}: too few US words"
        if intent not in SAFETY:
            assert share.get("headings", 0) >= 0.05, f"{intent}: too few Title Case headings"


def test_faq_and_safety_intents_are_the_contract_ones(domain_yaml, texts):
    faq = {i for i in domain_yaml["intents"] if i.startswith("ask_")} - SAFETY - {"ask_sources"}
    assert faq <= set(texts.topics)
    assert set(domain_yaml["intents"]) >= SAFETY


def test_conversation_tests_cover_every_intent(domain_yaml):
    seen = set()
    for path in (ROOT / "tests" / "conversations").glob("*.yml"):
        for story in yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]:
            seen.update(step["intent"] for step in story["steps"] if "intent" in step)
    assert set(domain_yaml["intents"]) - seen == set()


def test_safety_intents_have_their_scale_and_hard_negatives_outnumber_them():
    """Issue 15: at least 300 danger, 150 self-harm and 150 pressure examples, and 600 examples
    of other intents that share their words (tests/nlu/spread.py counts them)."""
    from tests.nlu.spread import hard_negatives

    counts = examples_per_intent(ROOT / "data" / "nlu")
    assert counts["report_danger"] >= 300
    assert counts["report_self_harm"] >= 150
    assert counts["report_pressure"] >= 150
    negatives = hard_negatives(ROOT / "data" / "nlu")
    assert sum(negatives.values()) >= 600
    assert "ask_mutual_contact" in negatives and "out_of_scope" in negatives
