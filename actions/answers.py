"""Answer an FAQ topic for the person asking: role- and order-type-aware, with sources."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import settings
from bot.content.answers import Answer, content
from bot.conversation import disclaimer_shown, second_topic


def _topic_for(intent: Optional[str], tracker: Tracker) -> Optional[str]:
    """The question to answer now: the asked one, or the one waiting for a role / order type."""
    if intent == "inform_role":
        return tracker.get_slot("pending_topic")
    if intent == "inform_order_type":
        return tracker.get_slot("last_topic")
    return intent if intent in content().topics else None


def send_answer(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    for bubble in answer.bubbles:
        dispatcher.utter_message(text=bubble.text, buttons=[dict(b) for b in bubble.buttons])


class ActionAnswerQuestion(Action):
    """Answers every FAQ topic, booking and handoff, and the role / order-type follow-ups."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        texts = content()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        role = tracker.get_slot("role")
        order_type = tracker.get_slot("order_type")
        topic = _topic_for(intent, tracker)

        # The complainant guard: the first time we know the writer is the protected person, say
        # plainly that the firm acts for accused people (text in domain.yml, SAFETY section).
        guard_now = role == "protected_person" and not tracker.get_slot("guard_given")
        events: List[Dict[str, Any]] = []
        if guard_now:
            dispatcher.utter_message(response="utter_complainant_guard")
            events.append(SlotSet("guard_given", True))

        if topic is None:
            if intent == "inform_role":
                if guard_now:
                    dispatcher.utter_message(response="utter_complainant_help")
                elif role is None:
                    # Read as a role, but no role was found in it: ask, rather than answer a
                    # message we did not understand with a reply that can read as "yes".
                    dispatcher.utter_message(
                        text=texts.prompt("role_question"), buttons=list(texts.buttons(["roles"]))
                    )
                else:
                    dispatcher.utter_message(text=texts.prompts["role_thanks"][role])
                return [*events, SlotSet("role_asked", True)]
            if intent == "inform_order_type":
                label = texts.prompts["order_labels"].get(order_type or "unknown")
                dispatcher.utter_message(text=texts.prompt("order_thanks", order_label=label))
                return [*events, SlotSet("order_type_asked", True)]
            dispatcher.utter_message(text=texts.prompt("core_fallback"))
            return events

        if texts.needs_role_question(topic, role, bool(tracker.get_slot("role_asked"))):
            dispatcher.utter_message(
                text=texts.prompt("role_question"), buttons=list(texts.buttons(["roles"]))
            )
            return [*events, SlotSet("role_asked", True), SlotSet("pending_topic", topic)]

        config = settings.load()
        answer = texts.compose(
            topic,
            role,
            order_type,
            # With the guard notice this turn, skip the order question: three bubbles at most.
            may_ask_order_type=not tracker.get_slot("order_type_asked") and not guard_now,
            firm_contact=texts.firm_contact(config.firm_phone, config.firm_booking_url),
            with_disclaimer=not disclaimer_shown(tracker.events),
        )
        send_answer(dispatcher, answer)
        if intent == topic:
            also = second_topic(tracker.latest_message, topic, texts.topics)
            if also:
                dispatcher.utter_message(
                    text=texts.prompt("second_question"),
                    buttons=[{"title": texts.topics[also].label, "payload": f"/{also}"}],
                )
        events += [
            SlotSet("last_topic", topic),
            SlotSet("last_sources", list(answer.sources)),
            SlotSet("pending_topic", None),
        ]
        if answer.asked_order_type:
            events.append(SlotSet("order_type_asked", True))
        return events
