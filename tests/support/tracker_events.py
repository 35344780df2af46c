"""Rasa tracker events, shaped as Rasa 3.6 stores them, for the staff app's tests.

The browser test reads events written by the real Rasa server; these build the same rows
directly, so the store can be tested on SQLite and PostgreSQL without starting Rasa.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Dict, List

import sqlalchemy as sa

from bot.review.store import events as events_table
from bot.review.store import tracker_meta

DAY = 24 * 3600


class Conversation:
    def __init__(self, start: float, channel: str = "socketio") -> None:
        self.sender_id = f"test-{uuid.uuid4().hex[:12]}"
        self.clock = start
        self.channel = channel
        self.events: List[Dict[str, Any]] = [self._event("action", name="action_session_start"),
                                             self._event("session_started")]  # fmt: skip

    def _event(self, kind: str, **data) -> Dict[str, Any]:
        self.clock += 1
        return {"event": kind, "timestamp": self.clock, **data}

    def user(self, text: str, intent: str) -> Conversation:
        self.events.append(self._event(
            "user", text=text, input_channel=self.channel,
            parse_data={"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text},
        ))  # fmt: skip
        return self

    def bot(self, text: str) -> Conversation:
        self.events.append(self._event("bot", text=text, data={}))
        return self

    def action(self, name: str) -> Conversation:
        self.events.append(self._event("action", name=name))
        return self

    def slot(self, name: str, value: Any) -> Conversation:
        self.events.append(self._event("slot", name=name, value=value))
        return self

    def form(self, name: str) -> Conversation:
        self.events.append(self._event("active_loop", name=name))
        return self


def write(url: str, conversations: List[Conversation]) -> None:
    engine = sa.create_engine(url, future=True)
    tracker_meta.create_all(engine)
    with engine.begin() as db:
        for conversation in conversations:
            for event in conversation.events:
                db.execute(sa.insert(events_table).values(
                    sender_id=conversation.sender_id, type_name=event["event"],
                    timestamp=event["timestamp"], intent_name=None, action_name=event.get("name"),
                    data=json.dumps(event),
                ))  # fmt: skip
    engine.dispose()


def booking(start: float, channel: str = "socketio") -> Conversation:
    """An accused person books: a name, a phone number, a courthouse."""
    return (
        Conversation(start, channel)
        .user("i'm on bail, can the victim drop it", "ask_victim_drop_order")
        .slot("role", "accused")
        .bot("No. The person the order protects cannot drop it.")
        .user("i want to book a consultation", "book_consultation")
        .form("consultation_form")
        .action("action_ask_consultation_form_lead_name")
        .bot("What name should the firm use for you?")
        .user("Priya Raman", "inform")
        .slot("lead_name", "Priya Raman")
        .action("action_ask_consultation_form_lead_contact")
        .bot("What's the best way to reach you?")
        .user("416-555-0142", "inform")
        .slot("lead_contact", "+14165550142")
        .user("I live at 55 Dundas Street West, call after 6. Priya", "inform")
        .action("action_submit_consultation")
        .bot("Thanks, Priya Raman. Your request is saved.")
    )


def danger(start: float, channel: str = "twilio") -> Conversation:
    return (
        Conversation(start, channel)
        .user("he's outside my house right now", "report_danger")
        .slot("safety_flag", "danger")
        .bot("If you are in danger right now, call 911.")
    )


def not_understood(start: float) -> Conversation:
    return (
        Conversation(start, "rest")
        .user("asdf qwerty", "nlu_fallback")
        .action("action_clarify")
        .bot("Sorry, I'm not sure I understood.")
        .user("can the victim drop it", "ask_victim_drop_order")
        .bot("No.")
    )
