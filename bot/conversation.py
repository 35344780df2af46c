"""Pure helpers that read a conversation's events and NLU output (plain dicts, no Rasa types).

The actions pass in ``tracker.events`` and ``tracker.latest_message``; tests pass in lists they
build by hand.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Sequence

from bot.nlu.safety_intents import SAFETY_INTENTS

FALLBACK_INTENT = "nlu_fallback"
DISCLAIMER_MARKER = "not legal advice"


def consecutive_fallbacks(events: Sequence[Dict[str, Any]]) -> int:
    """How many of the latest user messages in a row were not understood (including this one)."""
    count = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != FALLBACK_INTENT:
            break
        count += 1
    return count


def likeliest_intents(
    ranking: Iterable[Dict[str, Any]], allowed: Iterable[str], limit: int = 2
) -> List[str]:
    """The top intents from Rasa's ranking that we can offer as choices, best first."""
    allowed = set(allowed)
    chosen = []
    for item in ranking:
        name = item.get("name")
        if name in allowed and name not in chosen:
            chosen.append(name)
        if len(chosen) == limit:
            break
    return chosen


def safety_intent_in_doubt(ranking: Sequence[Dict[str, Any]], top: int = 2) -> str | None:
    """A safety intent among the top guesses of an unclear message. Safety wins a tie."""
    names = [item.get("name") for item in ranking if item.get("name") != FALLBACK_INTENT]
    for name in names[:top]:
        if name in SAFETY_INTENTS:
            return name
    return None


def disclaimer_shown(events: Sequence[Dict[str, Any]]) -> bool:
    """Whether the bot already said, in this conversation, that this is not legal advice."""
    return any(
        event.get("event") == "bot" and DISCLAIMER_MARKER in (event.get("text") or "").lower()
        for event in events
    )


def second_topic(
    latest_message: Dict[str, Any], answered: str, topics: Iterable[str]
) -> str | None:
    """The other FAQ topic a two-question message asked (bot/nlu/classifier.py), if any."""
    second = ((latest_message or {}).get("question_focus") or {}).get("second") or {}
    name = second.get("name")
    if name and name != answered and name in set(topics):
        return name
    return None
