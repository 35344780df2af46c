"""The safety check that runs on every message, before any dialogue decision.

An intent classifier alone misses disguised danger ("he's parked outside again") and is
overconfident on a message that mixes a question with a threat. So this component looks at two
things for every message and lets safety win over the topic:

1. curated phrase patterns, kept in ``data/safety/patterns.yml`` so staff can review them;
2. the classifier's own safety scores: a danger score that is not the top intent but is still
   high enough counts too.

When it finds something, it replaces the message's intent with the safety intent (so the
safety rules fire), keeps the original intent in the parse data for staff, and adds a
``safety_flag`` entity, which fills the ``safety_flag`` slot that staff can filter on.

``assess`` is a pure function; the Rasa component below only wires it into the pipeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Pattern, Sequence

import yaml

from bot.nlu.safety_intents import CATEGORY_INTENTS, INTENT_CATEGORIES
from bot.settings import ROOT

DEFAULT_PATTERNS = ROOT / "data" / "safety" / "patterns.yml"

# A danger or self-harm score this high counts even when another intent ranks first. The
# values in config.yml win; these are the same, for tests and tools that build the check alone.
DEFAULT_MIN_SCORES = {"report_danger": 0.3, "report_self_harm": 0.6}
# A single sentence of a longer message counts only with a higher score: a sentence alone is
# short and the classifier is less sure of it. Self-harm sentences are left to the patterns.
DEFAULT_SENTENCE_MIN_SCORES = {"report_danger": 0.8}


@dataclass(frozen=True)
class Verdict:
    category: str  # a key of CATEGORY_INTENTS
    reason: str  # "pattern" or "classifier"
    detail: str  # the matched phrase or the score

    @property
    def intent(self) -> str:
        return CATEGORY_INTENTS[self.category]


class SafetyPatterns:
    """Compiled patterns per category, plus the ordinary phrases that are not danger."""

    def __init__(self, patterns: Dict[str, List[Pattern[str]]]) -> None:
        self.patterns = patterns

    @classmethod
    def load(cls, path: Path = DEFAULT_PATTERNS) -> SafetyPatterns:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        known = set(CATEGORY_INTENTS) | {"not_danger"}
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"{path}: unknown categories {sorted(unknown)}")
        compiled = {}
        for category, lines in raw.items():
            compiled[category] = []
            for line in lines or []:
                try:
                    compiled[category].append(re.compile(str(line), re.IGNORECASE))
                except re.error as error:
                    raise ValueError(f"{path}: bad pattern in {category}: {line!r}") from error
        return cls(compiled)

    def first_match(self, category: str, text: str) -> Optional[str]:
        for pattern in self.patterns.get(category, []):
            found = pattern.search(text)
            if found:
                return found.group(0)
        return None


def normalise(text: str) -> str:
    """Lowercase, straight apostrophes, single spaces: how people type on a phone varies."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    return " ".join(text.split())


def assess(
    text: str,
    ranking: Sequence[Dict[str, Any]],
    patterns: SafetyPatterns,
    min_scores: Dict[str, float] = DEFAULT_MIN_SCORES,
    sentence_scores: Optional[Dict[str, float]] = None,
    sentence_min_scores: Dict[str, float] = DEFAULT_SENTENCE_MIN_SCORES,
) -> Optional[Verdict]:
    """What kind of safety message this is, if any. Self-harm, then danger, then the rest.

    `sentence_scores` are the classifier's highest scores for any one sentence of the message
    (bot/nlu/classifier.py), so danger in one sentence of a long story still counts when that
    sentence's score reaches `sentence_min_scores`.
    """
    clean = normalise(text or "")
    scores = {item.get("name"): float(item.get("confidence") or 0.0) for item in ranking}
    for intent, score in (sentence_scores or {}).items():
        if float(score) >= sentence_min_scores.get(intent, 1.1):
            scores[intent] = max(scores.get(intent, 0.0), float(score))

    # Curated phrases first (they say exactly what was meant), then the classifier's scores.
    for category in ("self_harm", "danger"):
        phrase = patterns.first_match(category, clean)
        if phrase:
            return Verdict(category, "pattern", phrase)
    for category in ("self_harm", "danger"):
        intent = CATEGORY_INTENTS[category]
        score = scores.get(intent, 0.0)
        ordinary = category == "danger" and patterns.first_match("not_danger", clean)
        if score >= min_scores.get(intent, 1.1) and not ordinary:
            return Verdict(category, "classifier", f"{intent}={score:.2f}")

    for category in ("pressure", "influence"):
        phrase = patterns.first_match(category, clean)
        if phrase:
            return Verdict(category, "pattern", phrase)
    return None


def apply_verdict(parse: Dict[str, Any], verdict: Verdict) -> Dict[str, Any]:
    """The parse data with the safety intent on top, the original kept, and the flag entity."""
    original = parse.get("intent") or {}
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != verdict.intent]
    entities = [e for e in parse.get("entities") or [] if e.get("entity") != "safety_flag"]
    entities.append(
        {"entity": "safety_flag", "value": verdict.category, "extractor": "SafetyCheck"}
    )
    return {
        "intent": {"name": verdict.intent, "confidence": 1.0},
        "intent_ranking": [{"name": verdict.intent, "confidence": 1.0}, *ranking],
        "entities": entities,
        "safety": {
            "category": verdict.category,
            "reason": verdict.reason,
            "original_intent": original.get("name"),
        },
    }


def flag_entity(intent_name: Optional[str]) -> Optional[Dict[str, Any]]:
    """The flag for a message the classifier itself put in a safety intent."""
    category = INTENT_CATEGORIES.get(intent_name or "")
    if category is None:
        return None
    return {"entity": "safety_flag", "value": category, "extractor": "SafetyCheck"}


def _merge_entities(existing: Iterable[Dict[str, Any]], flag: Dict[str, Any]) -> List[Dict]:
    return [e for e in existing if e.get("entity") != "safety_flag"] + [flag]


try:  # The component class needs Rasa; the helpers above do not.
    from rasa.engine.graph import ExecutionContext, GraphComponent
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.shared.nlu.constants import (
        ENTITIES,
        INTENT,
        INTENT_NAME_KEY,
        INTENT_RANKING_KEY,
        TEXT,
    )
    from rasa.shared.nlu.training_data.message import Message
except ImportError:  # pragma: no cover - only in environments without Rasa
    GraphComponent = None

if GraphComponent is not None:

    @DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
    class SafetyCheck(GraphComponent):
        """Runs after the intent classifier and the fallback classifier; safety has the last word."""

        @staticmethod
        def get_default_config() -> Dict[str, Any]:
            return {
                "patterns": str(DEFAULT_PATTERNS),
                "min_scores": dict(DEFAULT_MIN_SCORES),
                "sentence_min_scores": dict(DEFAULT_SENTENCE_MIN_SCORES),
            }

        def __init__(self, config: Dict[str, Any]) -> None:
            self.patterns = SafetyPatterns.load(Path(config["patterns"]))
            self.min_scores = {k: float(v) for k, v in config["min_scores"].items()}
            self.sentence_min_scores = {
                k: float(v) for k, v in config["sentence_min_scores"].items()
            }

        @classmethod
        def create(
            cls,
            config: Dict[str, Any],
            model_storage: ModelStorage,
            resource: Resource,
            execution_context: ExecutionContext,
        ) -> SafetyCheck:
            return cls(config)

        def process(self, messages: List[Message]) -> List[Message]:
            for message in messages:
                intent = message.get(INTENT) or {}
                ranking = message.get(INTENT_RANKING_KEY) or []
                verdict = assess(
                    message.get(TEXT) or "",
                    ranking,
                    self.patterns,
                    self.min_scores,
                    message.get("sentence_safety"),
                    self.sentence_min_scores,
                )
                if verdict is None:
                    flag = flag_entity(intent.get(INTENT_NAME_KEY))
                    if flag:
                        merged = _merge_entities(message.get(ENTITIES) or [], flag)
                        message.set(ENTITIES, merged, add_to_output=True)
                    continue
                parse = apply_verdict(
                    {
                        "intent": intent,
                        "intent_ranking": ranking,
                        "entities": message.get(ENTITIES) or [],
                    },
                    verdict,
                )
                message.set(INTENT, parse["intent"], add_to_output=True)
                message.set(INTENT_RANKING_KEY, parse["intent_ranking"], add_to_output=True)
                message.set(ENTITIES, parse["entities"], add_to_output=True)
                message.set("safety", parse["safety"], add_to_output=True)
            return messages
