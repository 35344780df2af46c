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
    sentence_counts,
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
        ("he says he'd rather go to prison for murder than let me keep the house", "danger"),
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
        ("he says he will kill himself if I don't drop it", "self_harm_threat"),
        ("if i don't drop the charges he says he'll kill himself", "self_harm_threat"),
        ("he's threatening suicide to make me drop the charges", "self_harm_threat"),
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


@pytest.mark.parametrize(
    "text, category",
    [
        # worry for someone, not pressure on the writer: the 9-8-8 reply fits
        ("my son said he's going to kill himself because of the no contact", "self_harm"),
        ("my brother says he'll kill himself if the order isn't lifted", "self_harm"),
        # a threat about leaving him, not about the order: worry for him, not pressure
        ("he told me that if I ever left him he would kill himself", "self_harm"),
        ("if i leave him he says he'll end his life", "self_harm"),
        # the writer's own crisis, or danger, outranks the other person's threat
        ("he says he'll kill himself if i don't drop it and i want to die too", "self_harm"),
        ("he said he'll kill himself if i leave and he has a gun", "danger"),
    ],
)
def test_a_threat_of_self_harm_is_pressure_only_when_nothing_outranks_it(patterns, text, category):
    verdict = assess(text, ranking(ask_how_to_lift=0.9), patterns)
    assert verdict is not None and verdict.category == category


def test_a_threat_of_self_harm_is_answered_as_pressure_and_flagged_as_its_kind(patterns):
    verdict = assess("she'll hurt herself unless i recant", ranking(report_pressure=0.5), patterns)
    parse = apply_verdict({"intent": {"name": "report_pressure"}}, verdict)
    assert parse["intent"]["name"] == "report_pressure"
    assert [e["value"] for e in parse["entities"]] == ["self_harm_threat"]


SLOT_VALUES = {
    "role": ["accused", "protected_person", "family_member", "surety", "unknown", None],
    "safety_flag": [
        "danger",
        "danger_to_someone_else",
        "self_harm",
        "pressure",
        "self_harm_threat",
        "influence",
        None,
    ],
}


def _matches(variation, slots):
    return all(slots.get(c["name"]) == c["value"] for c in variation.get("condition") or [])


def _chosen(responses, slots):
    """What Rasa may say: the matching conditional variations, else the plain ones."""
    conditional = [v for v in responses if v.get("condition") and _matches(v, slots)]
    return conditional or [v for v in responses if not v.get("condition")]


def _every_slot_combination():
    for role in SLOT_VALUES["role"]:
        for flag in SLOT_VALUES["safety_flag"]:
            yield {"role": role, "safety_flag": flag}


def test_safety_variations_never_overlap(domain_yaml):
    """Rasa picks at random among matching conditional variations, so for any person and any
    kind of message exactly one safety text may apply."""
    from bot.nlu.safety_intents import SAFETY_REPLIES

    for responses in SAFETY_REPLIES.values():
        for name in responses:
            for slots in _every_slot_combination():
                chosen = _chosen(domain_yaml["responses"][name], slots)
                assert len(chosen) == 1, (name, slots, [v["text"][:40] for v in chosen])


def test_every_danger_self_harm_and_threat_first_bubble_carries_911(domain_yaml):
    from bot.nlu.safety_intents import SAFETY_REPLIES

    for intent in ("report_danger", "report_self_harm"):
        for variation in domain_yaml["responses"][SAFETY_REPLIES[intent][0]]:
            assert "911" in variation["text"], (intent, variation["text"])
    threat = _chosen(
        domain_yaml["responses"]["utter_pressure"], {"safety_flag": "self_harm_threat"}
    )
    assert "911" in threat[0]["text"] and "9-8-8" in threat[0]["text"]
    assert "does not change the order" in threat[0]["text"]


def test_a_protected_person_is_never_warned_of_her_own_breach(domain_yaml):
    """Legal review 2026-12, problem 1: the order does not bind the person it protects."""
    for flag in SLOT_VALUES["safety_flag"]:
        slots = {"role": "protected_person", "safety_flag": flag}
        said = " ".join(
            _chosen(domain_yaml["responses"][name], slots)[0]["text"]
            for name in ("utter_influence_warning", "utter_influence_lawful_path")
        )
        assert "binds the other person, not you" in said
        assert "Please don't" not in said and "breach of the order" not in said


def test_a_relative_is_told_to_call_911_for_the_person_in_danger(domain_yaml):
    for slots in ({"role": "family_member", "safety_flag": "danger"},
                  {"role": "surety", "safety_flag": "danger"},
                  {"role": None, "safety_flag": "danger_to_someone_else"}):  # fmt: skip
        first = _chosen(domain_yaml["responses"]["utter_danger_911"], slots)
        assert first[0]["text"].startswith("If someone is in danger right now, call 911 for them")


@pytest.mark.parametrize(
    "text",
    [
        "my sister's ex just broke into her place and she's screaming",
        "neighbour here. the lady next door is being beaten, i can hear it",
        "my daughter is texting me that her ex is outside her apartment with a knife",
    ],
)
def test_danger_to_someone_else_is_its_own_kind_of_danger(patterns, text):
    verdict = assess(text, ranking(report_danger=0.9), patterns)
    assert verdict.category == "danger_to_someone_else" and verdict.intent == "report_danger"


def test_the_writers_own_danger_stays_plain_danger(patterns):
    verdict = assess("he's outside my door with a knife", ranking(report_danger=0.9), patterns)
    assert verdict.category == "danger"


@pytest.mark.parametrize(
    "sentence, counts",
    [
        ("she wants to see him and says he never hurt her.", False),
        ("i was never scared of him.", False),
        ("we had a restraining order in 2021 after he hit me.", False),
        ("my ex is on bail and he keeps liking my instagram posts.", False),
        ("my ex is following me on tiktok now.", False),
        # a word of now, or a "but", keeps the sentence's score
        ("he never hurt me before but tonight he is different.", True),
        ("he hasn't hurt me yet.", True),
        ("he's been sitting in his car across the street for an hour.", True),
        ("he hit me last year and now he's back.", True),
    ],
)
def test_a_sentence_that_tells_only_of_the_past_or_of_no_harm_does_not_count(
    patterns, sentence, counts
):
    assert sentence_counts(sentence, patterns) is counts


def test_a_sentence_score_counts_only_for_a_sentence_that_may_be_danger_now(patterns):
    message = "My ex had a restraining order in 2021 after he hit me. Does it show up on my record?"
    rows = [
        {"text": message, "report_danger": 0.1},
        {"text": "My ex had a restraining order in 2021 after he hit me.", "report_danger": 0.9},
    ]
    ranking_ = ranking(ask_what_is_order=0.8, report_danger=0.1)
    assert assess(message, ranking_, patterns, sentence_rows=rows) is None
    rows[1] = {"text": "He is walking up the driveway.", "report_danger": 0.9}
    verdict = assess(message, ranking_, patterns, sentence_rows=rows)
    assert verdict is not None and verdict.category == "danger"


def _classifier_says_danger(text, rows=None):
    from rasa.shared.nlu.training_data.message import Message

    message = Message(data={"text": text})
    message.set("intent", {"name": "report_danger", "confidence": 0.37})
    message.set("intent_ranking", ranking(report_danger=0.37, request_human=0.10, greet=0.05))
    message.set("sentence_safety", rows or [{"text": text, "report_danger": 0.37}])
    return message


def test_a_figure_of_speech_alone_does_not_make_danger():
    from bot.nlu.safety import SafetyCheck

    check = SafetyCheck(SafetyCheck.get_default_config())
    message = _classifier_says_danger("I shot your office a message yesterday, is anyone there?")
    check.process([message])
    assert message.get("intent")["name"] == "request_human"
    assert message.get("safety")["reason"] == "figure of speech"
    assert not [e for e in message.get("entities") or [] if e["entity"] == "safety_flag"]


@pytest.mark.parametrize(
    "text, rows",
    [
        # another sentence is danger on its own
        ("I shot you an email. He is standing in my kitchen.",
         [{"text": "x", "report_danger": 0.9}, {"text": "I shot you an email.", "report_danger": 0.3},
          {"text": "He is standing in my kitchen.", "report_danger": 0.95}]),
        # no idiom: the classifier's danger stands
        ("i need someone to call me back", None),
    ],
)  # fmt: skip
def test_danger_stays_when_more_than_the_idiom_is_there(text, rows):
    from bot.nlu.safety import SafetyCheck

    check = SafetyCheck(SafetyCheck.get_default_config())
    message = _classifier_says_danger(text, rows)
    check.process([message])
    assert message.get("intent")["name"] == "report_danger"


def test_a_danger_phrase_wins_over_a_figure_of_speech(patterns):
    verdict = assess("I'd kill for a callback, he's outside my house right now",
                     ranking(report_danger=0.4), patterns)  # fmt: skip
    assert verdict is not None and verdict.category == "danger"
