"""Show where the last answer comes from."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.content.answers import content


def source_lines(tags: List[str], catalogue: Dict[str, Dict[str, str]]) -> List[str]:
    """One line per known source, in the order the answer cited them."""
    return [f"- {catalogue[t]['title']}: {catalogue[t]['url']}" for t in tags if t in catalogue]


class ActionShowSources(Action):
    def name(self) -> str:
        return "action_show_sources"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        texts = content()
        topic = tracker.get_slot("last_topic")
        lines = source_lines(tracker.get_slot("last_sources") or [], texts.sources)
        if not topic or topic not in texts.topics or not lines:
            dispatcher.utter_message(text=texts.prompt("sources_none"))
            return []
        dispatcher.utter_message(text="\n".join([texts.prompt("sources_intro"), *lines]))
        dispatcher.utter_message(
            text=texts.prompt("sources_reviewed", reviewed=texts.topics[topic].reviewed)
        )
        return []
