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
SAFETY_INTENTS = frozenset(CATEGORY_INTENTS.values())
INTENT_CATEGORIES = {intent: category for category, intent in CATEGORY_INTENTS.items()}

# What the Rasa server says for each safety intent, in order (911 or 9-8-8 always first).
SAFETY_REPLIES = {
    "report_self_harm": ["utter_self_harm", "utter_self_harm_more"],
    "report_danger": ["utter_danger_911", "utter_danger_lines", "utter_danger_support"],
    "report_pressure": ["utter_pressure", "utter_pressure_support"],
    "ask_influence_complainant": ["utter_influence_warning", "utter_influence_lawful_path"],
}
