"""What staff see of a conversation, worked out from Rasa's tracker events (pure functions).

A summary (when, channel, role, topics, flags) for the list and the charts, and a transcript in
which personal details are redacted unless a reveal was asked for (and logged by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Dict, Iterable, List, Optional, Set

from bot.review.redact import redact

FLAGS = ("danger", "pressure", "self_harm", "booking", "fallback", "handoff")
SAFETY_INTENT_FLAGS = {
    "report_danger": "danger",
    "report_pressure": "pressure",
    "report_self_harm": "self_harm",
    "ask_influence_complainant": "pressure",
}
# The bot said it did not understand. (A low-confidence intent alone is not counted: form
# answers such as a name are often low-confidence, and the form handles them.)
FALLBACK_ACTIONS = {"action_default_fallback", "action_clarify"}
# Form slots whose values are personal: redacted wherever they appear in the transcript.
PERSONAL_SLOTS = ("lead_name", "lead_contact", "lead_courthouse", "lead_court_date")
# The question actions whose answer is personal: that whole answer is redacted.
PERSONAL_QUESTIONS = {f"action_ask_consultation_form_{slot}": slot for slot in PERSONAL_SLOTS}


@dataclass
class Summary:
    sender_id: str
    started: float
    last: float
    channel: str = "unknown"
    role: Optional[str] = None
    topics: List[str] = field(default_factory=list)
    flags: Set[str] = field(default_factory=set)
    user_messages: int = 0

    @property
    def day(self) -> str:
        return datetime.fromtimestamp(self.started, UTC).strftime("%Y-%m-%d")


@dataclass
class Line:
    timestamp: float
    speaker: str  # "user" or "bot"
    text: str
    intent: Optional[str] = None
    flag: Optional[str] = None


def summarise(sender_id: str, events: Iterable[Dict[str, Any]]) -> Optional[Summary]:
    """The list row for one conversation; None when the person never wrote anything."""
    summary: Optional[Summary] = None
    for event in events:
        kind, stamp = event.get("event"), float(event.get("timestamp") or 0)
        if summary is None:
            summary = Summary(sender_id, started=stamp, last=stamp)
        summary.last = max(summary.last, stamp)
        if kind == "user":
            summary.user_messages += 1
            summary.channel = event.get("input_channel") or summary.channel
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent in SAFETY_INTENT_FLAGS:
                summary.flags.add(SAFETY_INTENT_FLAGS[intent])
            elif intent and intent.startswith("ask_") and intent[4:] not in summary.topics:
                summary.topics.append(intent[4:])
        elif kind == "slot":
            if event.get("name") == "role" and event.get("value"):
                summary.role = event["value"]
            if event.get("name") == "safety_flag" and event.get("value"):
                summary.flags.add(SAFETY_INTENT_FLAGS.get(f"report_{event['value']}", "danger"))
        elif kind == "action":
            name = event.get("name")
            if name in FALLBACK_ACTIONS:
                summary.flags.add("fallback")
            elif name == "action_submit_consultation":
                summary.flags.add("handoff")
        elif kind == "active_loop" and event.get("name") == "consultation_form":
            summary.flags.add("booking")
    if summary is None or summary.user_messages == 0:
        return None
    return summary


def personal_values(events: Iterable[Dict[str, Any]]) -> List[str]:
    """Every personal value given in the form; a name also word by word ("Priya", "Raman")."""
    values: List[str] = []
    for e in events:
        if e.get("event") == "slot" and e.get("name") in PERSONAL_SLOTS and e.get("value"):
            values.append(str(e["value"]))
            if e["name"] == "lead_name":
                values.extend(word for word in str(e["value"]).split() if len(word) >= 3)
    return values


def transcript(events: List[Dict[str, Any]], reveal: bool = False) -> List[Line]:
    """The messages in order. Redacted unless `reveal`: the caller must log a reveal."""
    values = personal_values(events)
    lines: List[Line] = []
    asked: Optional[str] = None  # the personal question the bot asked last, if any
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            # The form asks for this slot next: the person's next message is its answer.
            asked = event.get("value") if event.get("value") in PERSONAL_SLOTS else None
        elif kind == "action":
            name = event.get("name") or ""
            if name in PERSONAL_QUESTIONS:
                asked = PERSONAL_QUESTIONS[name]
        elif kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            text = event.get("text") or ""
            if not reveal:
                # An answer to a personal question is hidden whole, unless it was a safety
                # message: staff must be able to read those (with the details still masked).
                whole = asked and intent not in SAFETY_INTENT_FLAGS
                text = (
                    f"[{asked.replace('lead_', '').replace('_', ' ')}]"
                    if whole
                    else redact(text, values)
                )
            lines.append(Line(float(event.get("timestamp") or 0), "user", text, intent,
                              SAFETY_INTENT_FLAGS.get(intent or "")))  # fmt: skip
            asked = None
        elif kind == "bot" and event.get("text"):
            text = event["text"] if reveal else redact(event["text"], values)
            lines.append(Line(float(event.get("timestamp") or 0), "bot", text))
    return lines
