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

from bot.nlu.safety_intents import CATEGORY_INTENTS, CLUE_LISTS, INTENT_CATEGORIES, SUB_KINDS
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
    category: str  # a key of CATEGORY_INTENTS or SUB_KINDS (the safety_flag value)
    reason: str  # "pattern" or "classifier"
    detail: str  # the matched phrase or the score

    @property
    def intent(self) -> str:
        return CATEGORY_INTENTS[SUB_KINDS.get(self.category, self.category)]


class SafetyPatterns:
    """Compiled patterns per category, plus the ordinary phrases that are not danger."""

    def __init__(self, patterns: Dict[str, List[Pattern[str]]]) -> None:
        self.patterns = patterns

    @classmethod
    def load(cls, path: Path = DEFAULT_PATTERNS) -> SafetyPatterns:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        known = set(CATEGORY_INTENTS) | set(SUB_KINDS) | set(CLUE_LISTS) | {"not_danger"}
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


def self_harm_threat(
    clean: str, ranking: Sequence[Dict[str, Any]], patterns: SafetyPatterns
) -> Optional[str]:
    """The phrase that makes this pressure by a threat of self-harm, if it is one.

    Either a whole threat ("he'll kill himself if I don't drop it"), or the other person's
    self-harm ("his mom says he's suicidal in jail") in a message that makes a demand of the
    writer ("...I have to recant") or that the classifier reads as pressure. Worry alone ("my son
    says he'll kill himself because of the order") stays self-harm, and gets 9-8-8.
    """
    whole = patterns.first_match("self_harm_threat", clean)
    if whole:
        return whole
    clue = patterns.first_match("others_self_harm", clean)
    if not clue:
        return None
    top = next((r.get("name") for r in ranking if r.get("name") != "nlu_fallback"), None)
    if top == CATEGORY_INTENTS["pressure"] or patterns.first_match("pressure_demand", clean):
        return clue
    return None


def assess(
    text: str,
    ranking: Sequence[Dict[str, Any]],
    patterns: SafetyPatterns,
    min_scores: Dict[str, float] = DEFAULT_MIN_SCORES,
    sentence_rows: Optional[Sequence[Dict[str, Any]]] = None,
    sentence_min_scores: Dict[str, float] = DEFAULT_SENTENCE_MIN_SCORES,
) -> Optional[Verdict]:
    """What kind of safety message this is, if any. Self-harm, then danger, then the rest.

    `sentence_rows` are the classifier's safety scores for the whole message and for each of its
    sentences (bot/nlu/classifier.py), so danger in one sentence of a long story still counts
    when that sentence's score reaches `sentence_min_scores`, unless the sentence only tells of
    the past, says no harm was done, or is about someone's posts (`sentence_counts`).
    """
    clean = normalise(text or "")
    scores = {item.get("name"): float(item.get("confidence") or 0.0) for item in ranking}
    for row in sentence_rows or []:
        if not sentence_counts(normalise(str(row.get("text") or "")), patterns):
            continue
        for intent, minimum in sentence_min_scores.items():
            score = float(row.get(intent) or 0.0)
            if score >= minimum:
                scores[intent] = max(scores.get(intent, 0.0), score)

    # Someone else threatening to hurt themselves unless the writer drops the order is
    # pressure, not the writer's own crisis. It counts only when nothing else in the message
    # is danger or the writer's own self-harm (those replies carry 911 and 9-8-8 first).
    threat = self_harm_threat(clean, ranking, patterns)
    rest = clean.replace(threat, " ") if threat else clean
    # Curated phrases first (they say exactly what was meant), then the classifier's scores.
    for category in ("self_harm", "danger"):
        phrase = patterns.first_match(category, rest)
        if phrase:
            return _kind_of(Verdict(category, "pattern", phrase), clean, patterns)
    violence = patterns.first_match("danger_unless_past", rest)
    if violence and not only_in_the_past(clean, patterns):
        return _kind_of(Verdict("danger", "pattern", violence), clean, patterns)
    if threat:
        return Verdict("self_harm_threat", "pattern", threat)
    for category in ("self_harm", "danger"):
        intent = CATEGORY_INTENTS[category]
        score = scores.get(intent, 0.0)
        ordinary = category == "danger" and patterns.first_match("not_danger", clean)
        if score >= min_scores.get(intent, 1.1) and not ordinary:
            return _kind_of(
                Verdict(category, "classifier", f"{intent}={score:.2f}"), clean, patterns
            )

    for category in ("pressure", "influence"):
        phrase = patterns.first_match(category, clean)
        if phrase:
            return Verdict(category, "pattern", phrase)
    return None


def figure_of_speech_only(
    text: str,
    sentence_rows: Sequence[Dict[str, Any]],
    patterns: SafetyPatterns,
    sentence_min_score: float = DEFAULT_SENTENCE_MIN_SCORES["report_danger"],
) -> Optional[str]:
    """The idiom, when it alone made the classifier read the message as danger.

    Only for a message no danger phrase matched (the caller checks): every sentence that does
    not hold the idiom must score below the sentence threshold, so "I shot you an email. He's
    outside." is still danger.
    """
    clean = normalise(text or "")
    idiom = patterns.first_match("figure_of_speech", clean)
    if not idiom:
        return None
    for row in list(sentence_rows)[1:]:  # the first row is the whole message
        sentence = normalise(str(row.get("text") or ""))
        if patterns.first_match("figure_of_speech", sentence):
            continue
        if float(row.get("report_danger") or 0.0) >= sentence_min_score:
            return None
    return idiom


def sentence_counts(clean: str, patterns: SafetyPatterns) -> bool:
    """Whether a sentence's own danger score may raise the alarm.

    The classifier scores a sentence of a story without the rest of it, and it reads "after he
    hit me in 2021", "she says he never hurt her" or "he keeps liking my posts" as danger. A
    sentence that carries a danger phrase is caught by the patterns whatever this says.
    """
    if only_in_the_past(clean, patterns):
        return False
    return not patterns.first_match("not_current_danger", clean)


def only_in_the_past(clean: str, patterns: SafetyPatterns) -> bool:
    """Whether the message dates what happened ("last year", "in 2021") and says nothing of now."""
    return bool(patterns.first_match("past_event", clean)) and not patterns.first_match(
        "present_event", clean
    )


def _kind_of(verdict: Verdict, clean: str, patterns: SafetyPatterns) -> Verdict:
    """Danger reported for someone else gets the words for a helper: call 911 for them."""
    if verdict.category == "danger" and patterns.first_match("someone_else_in_danger", clean):
        return Verdict("danger_to_someone_else", verdict.reason, verdict.detail)
    return verdict


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
            "detail": verdict.detail,  # the phrase matched, or the score that counted
            "original_intent": original.get("name"),
        },
    }


def set_aside_danger(ranking: Sequence[Dict[str, Any]], idiom: str) -> Dict[str, Any]:
    """The parse with the next intent on top, when the classifier's danger guess came from a
    figure of speech; `safety` tells staff what was set aside and why."""
    danger = CATEGORY_INTENTS["danger"]
    rest = [dict(r) for r in ranking if r.get("name") != danger]
    top = dict(rest[0]) if rest else {"name": "nlu_fallback", "confidence": 1.0}
    return {
        "intent": {"name": top.get("name"), "confidence": top.get("confidence")},
        "intent_ranking": rest,
        "safety": {
            "category": "none",
            "reason": "figure of speech",
            "detail": idiom,
            "original_intent": danger,
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
                    message.get("sentence_safety") or [],
                    self.sentence_min_scores,
                )
                if verdict is None and intent.get(INTENT_NAME_KEY) == CATEGORY_INTENTS["danger"]:
                    idiom = figure_of_speech_only(
                        message.get(TEXT) or "",
                        message.get("sentence_safety") or [],
                        self.patterns,
                        self.sentence_min_scores.get("report_danger", 0.8),
                    )
                    if idiom:
                        parse = set_aside_danger(ranking, idiom)
                        intent = parse["intent"]
                        message.set(INTENT, intent, add_to_output=True)
                        message.set(INTENT_RANKING_KEY, parse["intent_ranking"], add_to_output=True)
                        message.set("safety", parse["safety"], add_to_output=True)
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
