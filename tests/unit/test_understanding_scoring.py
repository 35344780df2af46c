"""The understanding figures are computed exactly as the real-world set's header says."""

from __future__ import annotations

import pytest

from tests.understanding.scoring import (
    Item,
    Outcome,
    accepts,
    check,
    confused_pairs,
    gold_for,
    loosened,
    score,
)


def item(id, accept, in_scope=True, danger=False, pressure=False):
    return Item(id, f"text {id}", tuple(accept), in_scope, danger, pressure)


def test_a_star_accepts_any_intent_that_starts_with_it():
    surety = item("s", ["out_of_scope", "ask_surety*"])
    assert accepts(surety, "ask_surety_duties")
    assert not accepts(surety, "ask_lawyer_help")


def test_the_five_figures():
    items = [
        item("a", ["ask_lift_timeline"]),  # right topic
        item("b", ["ask_how_to_lift"]),  # fallback
        item("c", ["ask_what_is_order"]),  # wrong topic, and a false safety alarm
        item("d", ["out_of_scope"], in_scope=False),  # honest
        item("e", ["out_of_scope"], in_scope=False),  # answered as a topic: not honest
        item("f", ["report_danger"], danger=True),  # 911 first
        item("g", ["report_danger"], danger=True),  # no 911 first
        item("h", ["report_pressure"], pressure=True),  # not counted as a false alarm
    ]
    outcomes = [
        Outcome("ask_lift_timeline"),
        Outcome("nlu_fallback"),
        Outcome("report_danger", bubbles=("If you are in danger right now, call 911.",)),
        Outcome("nlu_fallback"),
        Outcome("ask_order_types"),
        Outcome("report_danger", bubbles=("If you are in danger right now, call 911.",)),
        Outcome("ask_how_to_lift", bubbles=("So I can give you the right answer", "call 911")),
        Outcome("report_pressure"),
    ]
    scores = score(items, outcomes)
    assert scores.counts == {
        "topic_rate": (1, 3),
        "fallback_rate": (1, 3),
        "false_alarm_rate": (1, 5),
        "honest_oos_rate": (1, 2),
        "danger_911_rate": (1, 2),
    }
    assert [i.id for i, _ in scores.misses["danger_911_rate"]] == ["g"]
    assert [i.id for i, _ in scores.misses["false_alarm_rate"]] == ["c"]


def test_a_safety_intent_in_accept_is_not_a_false_alarm():
    scores = score([item("x", ["out_of_scope", "report_self_harm"], in_scope=False)],
                   [Outcome("report_self_harm")])  # fmt: skip
    assert scores.figures["false_alarm_rate"] == 0.0
    assert scores.figures["honest_oos_rate"] == 1.0


def test_gold_label_for_per_intent_figures():
    both = item("x", ["ask_what_is_order", "ask_order_types"])
    assert gold_for(both, "ask_order_types") == "ask_order_types"
    assert gold_for(both, "ask_lawyer_help") == "ask_what_is_order"
    assert (
        gold_for(item("y", ["out_of_scope"], in_scope=False), "ask_lawyer_help") == "out_of_scope"
    )
    assert confused_pairs(["a", "a", "b"], ["b", "b", "b"]) == [("a", "b", 2)]


def test_floors_fail_the_figures_that_are_worse():
    floors = {"topic_rate": 0.85, "fallback_rate": 0.10, "danger_911_rate": 1.0}
    figures = {"topic_rate": 0.84, "fallback_rate": 0.11, "danger_911_rate": 1.0}
    failures = check(figures, floors)
    assert len(failures) == 2
    assert check({"topic_rate": 0.9, "fallback_rate": 0.05, "danger_911_rate": 1.0}, floors) == []


def test_the_ratchet_only_tightens():
    old = {"topic_rate": 0.6, "false_alarm_rate": 0.03}
    assert loosened(old, {"topic_rate": 0.62, "false_alarm_rate": 0.02}) == []
    assert len(loosened(old, {"topic_rate": 0.55, "false_alarm_rate": 0.04})) == 2
    assert loosened(old, {"topic_rate": 0.6}) == ["false_alarm_rate was removed"]


def test_one_outcome_per_item():
    with pytest.raises(ValueError):
        score([item("a", ["x"])], [])
