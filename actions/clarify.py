"""What the bot does when it is unsure what a message means (NLU fallback)."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from bot.content.answers import content
from bot.conversation import consecutive_fallbacks, likeliest_intents, safety_intent_in_doubt
from bot.nlu.safety_intents import SAFETY_REPLIES


class ActionClarify(Action):
    """First miss: offer the two likeliest topics as buttons. Second miss in a row: other help.

    If a safety intent is among the likeliest, the safety answer is given instead: asking a
    frightened person "did you mean...?" wastes the turn that matters most.
    """

    def name(self) -> str:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        texts = content()
        ranking = tracker.latest_message.get("intent_ranking") or []

        safety = safety_intent_in_doubt(ranking)
        if safety:
            for response in SAFETY_REPLIES[safety]:
                dispatcher.utter_message(response=response)
            return []

        choices = likeliest_intents(ranking, texts.topics)
        if consecutive_fallbacks(tracker.events) >= 2 or not choices:
            dispatcher.utter_message(
                text=texts.prompt("other_help"), buttons=list(texts.buttons(["book"]))
            )
            return []

        buttons = [{"title": texts.topics[name].label, "payload": f"/{name}"} for name in choices]
        buttons.append({"title": texts.prompt("clarify_other"), "payload": "/out_of_scope"})
        dispatcher.utter_message(text=texts.prompt("clarify"), buttons=buttons)
        return []


class ActionDefaultFallback(Action):
    """When the dialogue policy is unsure what to do next: a safe, honest reply.

    The user's message is reverted so the unclear turn does not steer what the policy predicts
    next, as Rasa's own default fallback does.
    """

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text=content().prompt("core_fallback"))
        return [UserUtteranceReverted()]
