"""The safety check: curated patterns and classifier scores, safety over topic."""

from __future__ import annotations

import pytest

from bot.nlu.safety import (
    CATEGORY_INTENTS,
    SafetyPatterns,
    apply_verdict,
    assess,
    flag_entity,
    normalise,
)


@pytest.fixture(scope="module")
def patterns():
    return SafetyPatterns.load()


def ranking(**scores):
    return [{"name": k, "confidence": v} for k, v in scores.items()]


@pytest.mark.parametrize(
    "text, category",
    [
        ("He\u2019s parked outside again", "danger"),
        ("can she drop it? he's at my door right now", "danger"),
        ("he threatened to hurt the kids", "danger"),
        ("i dont feel safe", "danger"),
        ("SOS", "danger"),
        ("help me!!", "danger"),
        ("911", "danger"),
        ("emergency please", "danger"),
        ("i want to kill myself", "self_harm"),
        ("he said he'd kill me and i want to die", "self_harm"),
        ("his mom keeps pressuring me to drop the charges", "pressure"),
        ("how do i get her to drop the charges", "influence"),
        ("can my mom tell her i'm sorry", "influence"),
    ],
)
def test_patterns_find_the_safety_category(patterns, text, category):
    verdict = assess(text, ranking(ask_how_to_lift=0.9), patterns)
    assert verdict is not None and verdict.category == category
    assert verdict.reason == "pattern"


@pytest.mark.parametrize(
    "text",
    [
        "is it dangerous for my case if i call her",
        "what's the risk of breaching",
        "can i see my kids on the weekend",
        "the waiting is killing me",
        "my ex keeps calling me, can i answer",
        "help",
        "can you help me understand the order",
        "is there an emergency bail hearing",
    ],
)
def test_ordinary_questions_are_left_alone(patterns, text):
    assert assess(text, ranking(ask_mutual_contact=0.9, report_danger=0.05), patterns) is None


def test_a_second_place_danger_score_counts(patterns):
    verdict = assess("ugh tonight again", ranking(greet=0.7, report_danger=0.55), patterns)
    assert verdict.category == "danger" and verdict.reason == "classifier"


def test_a_danger_score_on_an_ordinary_risk_question_does_not(patterns):
    text = "what's the risk of breaching"
    assert assess(text, ranking(ask_breach_consequences=0.6, report_danger=0.35), patterns) is None


def test_self_harm_outranks_danger(patterns):
    verdict = assess("he hit me and i want to end my life", [], patterns)
    assert verdict.category == "self_harm"


def test_verdict_puts_safety_on_top_and_keeps_the_original_for_staff(patterns):
    parse = {
        "intent": {"name": "ask_victim_drop_order", "confidence": 0.97},
        "intent_ranking": [{"name": "ask_victim_drop_order", "confidence": 0.97}],
        "entities": [{"entity": "role", "value": "accused"}],
    }
    verdict = assess("can she drop it, he's parked outside", parse["intent_ranking"], patterns)
    out = apply_verdict(parse, verdict)
    assert out["intent"] == {"name": "report_danger", "confidence": 1.0}
    assert out["intent_ranking"][0]["name"] == "report_danger"
    assert out["safety"]["original_intent"] == "ask_victim_drop_order"
    assert {"entity": "role", "value": "accused"} in out["entities"]
    assert any(e["entity"] == "safety_flag" and e["value"] == "danger" for e in out["entities"])


def test_classifier_safety_intents_get_the_flag_too():
    assert flag_entity("report_pressure")["value"] == "pressure"
    assert flag_entity("ask_how_to_lift") is None


def test_every_category_has_an_intent_in_the_domain(domain_yaml):
    assert set(CATEGORY_INTENTS.values()) <= set(domain_yaml["intents"])


def test_normalise_handles_phone_typing():
    assert normalise("  He\u2019s   OUTSIDE ") == "he's outside"


def test_bad_pattern_files_are_refused(tmp_path):
    (tmp_path / "p.yml").write_text("danger:\n  - '(unclosed'\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad pattern"):
        SafetyPatterns.load(tmp_path / "p.yml")
    (tmp_path / "q.yml").write_text("dangr:\n  - x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown categories"):
        SafetyPatterns.load(tmp_path / "q.yml")


def test_component_rewrites_a_rasa_message(patterns):
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.safety import SafetyCheck

    check = SafetyCheck(SafetyCheck.get_default_config())
    message = Message(data={"text": "how long does it take? he's outside my house right now"})
    message.set("intent", {"name": "ask_lift_timeline", "confidence": 0.99})
    message.set("intent_ranking", [{"name": "ask_lift_timeline", "confidence": 0.99}])
    check.process([message])
    assert message.get("intent")["name"] == "report_danger"
    assert message.get("safety")["original_intent"] == "ask_lift_timeline"


def test_config_yml_and_the_defaults_agree():
    import yaml

    from bot.nlu.safety import DEFAULT_MIN_SCORES
    from bot.settings import ROOT

    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    check = next(c for c in pipeline if c["name"] == "bot.nlu.safety.SafetyCheck")
    assert check["min_scores"] == DEFAULT_MIN_SCORES


def test_a_danger_phrase_beats_a_self_harm_score(patterns):
    verdict = assess("i'm scared he'll hurt me tonight", ranking(report_self_harm=0.6), patterns)
    assert verdict.category == "danger" and verdict.reason == "pattern"


def test_reply_table_matches_the_safety_rules():
    """actions/clarify.py answers a doubtful safety message from this table; the rules in
    data/rules/safety.yml answer a clear one. Both must say the same thing, in the same order."""
    import yaml

    from bot.nlu.safety_intents import SAFETY_INTENTS, SAFETY_REPLIES
    from bot.settings import ROOT

    rules = yaml.safe_load((ROOT / "data" / "rules" / "safety.yml").read_text())["rules"]
    plain, mid_form = {}, {}
    for rule in rules:
        steps = rule["steps"]
        said = [s["action"] for s in steps[1:] if s.get("action", "").startswith("utter_")]
        (mid_form if "condition" in rule else plain)[steps[0]["intent"]] = said
        if "condition" in rule:  # the form must end before anything is said
            assert steps[1] == {"action": "action_deactivate_loop"}, rule["rule"]
    assert plain == SAFETY_REPLIES
    assert mid_form == SAFETY_REPLIES
    assert set(SAFETY_REPLIES) == SAFETY_INTENTS
    for intent in ("report_danger", "report_self_harm"):
        first = SAFETY_REPLIES[intent][0]
        domain = yaml.safe_load((ROOT / "domain.yml").read_text())
        assert "911" in domain["responses"][first][0]["text"], intent
