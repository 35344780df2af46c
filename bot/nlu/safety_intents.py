"""The safety intents and what the bot says for each: one table, read by the pipeline's safety
check, by the clarifying action and by tests. No Rasa imports, so the action server can use it
without loading the NLU stack.

The reply sequences must match the rules in data/rules/safety.yml; a unit test checks that.
"""

from __future__ import annotations

# Category -> the intent whose rules answer it. Order is priority: self-harm and danger first.
CATEGORY_INTENTS = {
    "self_harm": "report_self_harm",
    "danger": "report_danger",
    "pressure": "report_pressure",
    "influence": "ask_influence_complainant",
}
# Kinds of a category that get their own wording (a response variation on the safety_flag
# slot) but the same intent and rules. "He says he'll kill himself if I don't drop it" is
# pressure (contract.md), yet its first bubble must say what to do about his threat.
SUB_KINDS = {"self_harm_threat": "pressure", "danger_to_someone_else": "danger"}
# Pattern lists that are clues for a kind, not categories of their own (data/safety/patterns.yml):
# the other person talking of self-harm, a demand made of the writer, and someone other than the
# writer being the one in danger ("my sister's ex just broke in at her place": call 911 for her).
CLUE_LISTS = (
    "others_self_harm",
    "pressure_demand",
    "someone_else_in_danger",
    # Plain violence ("he hit me") is danger unless the message puts it only in the past.
    "danger_unless_past",
    "past_event",
    "present_event",
    # A sentence whose own danger score must not raise the alarm (bot/nlu/safety.py).
    "not_current_danger",
    # Figures of speech the classifier itself reads as danger ("I shot your office a message").
    "figure_of_speech",
)
SAFETY_INTENTS = frozenset(CATEGORY_INTENTS.values())
INTENT_CATEGORIES = {intent: category for category, intent in CATEGORY_INTENTS.items()}

# What the Rasa server says for each safety intent, in order (911 or 9-8-8 always first).
SAFETY_REPLIES = {
    "report_self_harm": ["utter_self_harm", "utter_self_harm_more"],
    "report_danger": ["utter_danger_911", "utter_danger_lines", "utter_danger_support"],
    "report_pressure": ["utter_pressure", "utter_pressure_support"],
    "ask_influence_complainant": ["utter_influence_warning", "utter_influence_lawful_path"],
}
