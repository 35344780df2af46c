"""After a safety reply: offer the question the message also asked, as a button.

The safety reply itself (911 first) comes from the Rasa server (data/rules/safety.yml), so it
does not depend on this action server; this only adds the offer after it, when there is one.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.content.answers import content
from bot.conversation import asked_beside_safety


class ActionOfferAskedQuestion(Action):
    def name(self) -> str:
        return "action_offer_asked_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        texts = content()
        topic = asked_beside_safety(tracker.latest_message, texts.topics)
        if topic:
            dispatcher.utter_message(
                text=texts.prompt("safety_asked_question"),
                buttons=[{"title": texts.topics[topic].label, "payload": f"/{topic}"}],
            )
        return []
