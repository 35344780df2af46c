"""Show where the last answer comes from."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.content.answers import content


def source_lines(tags: List[str], catalogue: Dict[str, Dict[str, str]]) -> List[str]:
    """One line per known source: official ones in the order the answer cited them, then any
    second source (not official, kept for a reason), marked as such."""
    known = [catalogue[t] for t in tags if t in catalogue]
    ordered = [s for s in known if not s.get("second")] + [s for s in known if s.get("second")]
    return [
        f"- {s['title']}{' (second source)' if s.get('second') else ''}: {s['url']}"
        for s in ordered
    ]


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
