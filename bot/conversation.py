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


# Topics a safety reply may offer to answer next: never booking or a handoff, which would read
# as a sales offer in the turn that gave 911.
NOT_OFFERED_AFTER_SAFETY = frozenset({"book_consultation", "request_human"})
# How sure the model must be that the message also asked a topic. MEASURED on the 169 danger
# messages of tests/safety/ and the real-world set, 24 of which also ask a FAQ question: at 0.25,
# 15 of the 24 get the offer and so do 12 of the other 145 (mostly ones that end "what do I do?");
# at 0.4, 14 and 8; at 0.15, 15 and 13.
SAFETY_FOLLOW_UP_MIN = 0.4


def asked_beside_safety(
    latest_message: Dict[str, Any],
    topics: Iterable[str],
    min_confidence: float = SAFETY_FOLLOW_UP_MIN,
) -> str | None:
    """The FAQ topic a safety message also asked about ("how long does a change take? he's
    outside again"), to offer after the safety reply; None for a message that only signals danger.

    The safety check keeps the classifier's ranking below the safety intent, so the best FAQ
    topic in it is what the message asked, whether a pattern or the classifier found the danger.
    """
    offerable = set(topics) - NOT_OFFERED_AFTER_SAFETY - SAFETY_INTENTS
    for item in (latest_message or {}).get("intent_ranking") or []:
        name = item.get("name")
        if name in offerable:
            return name if float(item.get("confidence") or 0.0) >= min_confidence else None
    return None
