"""Rasa pipeline component: the intent of a message, read from the question it asks.

For a message of one sentence this is the intent model's answer for the whole text. For a
longer one (a story, then the question), the model scores the whole message and each question
in it; the reading it is surest of wins, so "We had a fight in March. He's on bail. Can I drop
it?" is read from "Can I drop it?" while a story whose question is only "what do I do?" keeps
its context. When a second question asks about another FAQ topic, it is kept in the parse data
(``question_focus.second``) and the answer offers it as a button.

The safety check (bot/nlu/safety.py) runs after this and reads ``sentence_safety``: the danger
and self-harm scores of the whole message and of each sentence, with the sentence's text, so
danger late in a long message is not averaged away by the rest of it, and a sentence that only
tells of the past ("after he hit me in 2021") can be told apart from one that says "now".

``read_message`` is a pure function of the model's scores; the component only wires it in.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

from bot.nlu.embeddings import DEFAULT_DIR, StaticEmbeddings
from bot.nlu.intent_model import IntentModel, ModelConfig, ranking
from bot.nlu.question_focus import Sentence, questions, split_sentences
from bot.nlu.safety_intents import SAFETY_INTENTS

SENTENCE_SAFETY_INTENTS = ("report_danger", "report_self_harm")
OUT_OF_SCOPE = "out_of_scope"
# Intents that only tell the bot something ("I'm the accused", "it's a peace bond"). A question is
# never one of them: "is she allowed to text me" read as a role would be answered "Thanks" or
# worse, which a person on the order can take as permission. They are dropped from the ranking
# of a question, and its confidence is not inflated to make up for them.
STATEMENT_INTENTS = ("inform_role", "inform_order_type")
# A second question is offered only when it is this sure of a different FAQ topic.
SECOND_QUESTION_MIN = 0.5


@dataclass
class Reading:
    ranking: List[Dict[str, float]]
    focus: str  # "message" or the question sentence that decided
    second: Optional[Dict[str, Any]]  # {"name", "confidence", "text"} of a second topic
    # One row per scored text (the whole message first, then each sentence of a longer one):
    # {"text": ..., "report_danger": ..., "report_self_harm": ...}
    sentence_safety: List[Dict[str, Any]]


def is_faq(intent: str) -> bool:
    return intent.startswith("ask_") and intent not in SAFETY_INTENTS and intent != "ask_sources"


def read_message(
    text: str, classes: Sequence[str], score: Callable[[Sequence[str]], np.ndarray]
) -> Reading:
    """Score the whole message and each sentence, and decide what the message asks."""
    sentences = split_sentences(text)
    asked = questions(sentences)
    several = len(sentences) > 1
    candidates: List[str] = [text]
    if several:
        candidates += [s.text for s in sentences]
    rows = score(candidates)
    whole = rows[0]
    by_sentence = {s.text: rows[1 + i] for i, s in enumerate(sentences)} if several else {}

    chosen, focus = whole, "message"
    if several and asked:
        first_question = by_sentence[asked[0].text]
        if first_question.max() > whole.max() and not _needs_its_story(
            classes, first_question, whole
        ):
            chosen, focus = first_question, asked[0].text

    if asked:
        chosen = chosen.copy()
        for intent in STATEMENT_INTENTS:
            if intent in classes:
                chosen[list(classes).index(intent)] = 0.0
    top = ranking(classes, chosen)
    second = _second_question(classes, asked, by_sentence, top[0]["name"]) if several else None
    columns = {i: list(classes).index(i) for i in SENTENCE_SAFETY_INTENTS if i in classes}
    safety = [
        {"text": candidate, **{intent: float(row[c]) for intent, c in columns.items()}}
        for candidate, row in zip(candidates, rows, strict=True)
    ]
    return Reading(top, focus, second, safety)


def _needs_its_story(classes: Sequence[str], question: np.ndarray, whole: np.ndarray) -> bool:
    """A question that alone reads as out of scope, in a story that reads as a topic.

    "What can I do?" or "Can a divorce judge order me to have no contact?" on its own looks like
    nothing the bot answers (or like family law), but the story around it says what it is about.
    """
    names = list(classes)
    if OUT_OF_SCOPE not in names:
        return False
    return (
        names[int(question.argmax())] == OUT_OF_SCOPE and names[int(whole.argmax())] != OUT_OF_SCOPE
    )


def _second_question(
    classes: Sequence[str],
    asked: List[Sentence],
    by_sentence: Dict[str, np.ndarray],
    first_intent: str,
) -> Optional[Dict[str, Any]]:
    for sentence in asked[1:]:
        row = by_sentence[sentence.text]
        best = int(row.argmax())
        name = classes[best]
        different = is_faq(name) and is_faq(first_intent) and name != first_intent
        if different and row[best] >= SECOND_QUESTION_MIN:
            return {"name": name, "confidence": float(row[best]), "text": sentence.text}
    return None


try:  # The component class needs Rasa; the helpers above do not.
    from rasa.engine.graph import ExecutionContext, GraphComponent
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.nlu.classifiers.classifier import IntentClassifier
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
except ImportError:  # pragma: no cover - only in environments without Rasa
    GraphComponent = None

if GraphComponent is not None:

    @DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
    class QuestionAwareIntentClassifier(GraphComponent, IntentClassifier):
        """Sparse features plus pretrained word vectors, a linear model, and question focus."""

        @staticmethod
        def get_default_config() -> Dict[str, Any]:
            return {**asdict(ModelConfig()), "embeddings": str(DEFAULT_DIR)}

        def __init__(
            self,
            config: Dict[str, Any],
            model_storage: ModelStorage,
            resource: Resource,
            model: Optional[IntentModel] = None,
        ) -> None:
            self.component_config = config
            self._model_storage = model_storage
            self._resource = resource
            self.model = model

        @staticmethod
        def _model_config(config: Dict[str, Any]) -> ModelConfig:
            fields = ModelConfig.__dataclass_fields__
            return ModelConfig(**{k: v for k, v in config.items() if k in fields})

        @staticmethod
        def _embeddings(config: Dict[str, Any]) -> Optional[StaticEmbeddings]:
            if float(config.get("vector_weight", 0)) <= 0:
                return None
            return StaticEmbeddings.load(Path(config["embeddings"]))

        @classmethod
        def create(
            cls,
            config: Dict[str, Any],
            model_storage: ModelStorage,
            resource: Resource,
            execution_context: ExecutionContext,
        ) -> QuestionAwareIntentClassifier:
            return cls(config, model_storage, resource)

        def train(self, training_data: TrainingData) -> Resource:
            examples = [m for m in training_data.intent_examples if m.get(TEXT)]
            texts = [m.get(TEXT) for m in examples]
            intents = [m.get(INTENT) for m in examples]
            self.model = IntentModel(
                self._model_config(self.component_config), self._embeddings(self.component_config)
            ).fit(texts, intents)
            with self._model_storage.write_to(self._resource) as folder:
                self.model.save(Path(folder))
            return self._resource

        @classmethod
        def load(
            cls,
            config: Dict[str, Any],
            model_storage: ModelStorage,
            resource: Resource,
            execution_context: ExecutionContext,
            **kwargs: Any,
        ) -> QuestionAwareIntentClassifier:
            with model_storage.read_from(resource) as folder:
                model = IntentModel.load(
                    Path(folder), cls._model_config(config), cls._embeddings(config)
                )
            return cls(config, model_storage, resource, model)

        def process(self, messages: List[Message]) -> List[Message]:
            if self.model is None:  # untrained: leave the message for the fallback
                return messages
            for message in messages:
                text = message.get(TEXT) or ""
                if not text.strip():
                    continue
                reading = read_message(text, self.model.classes, self.model.probabilities)
                message.set(INTENT, reading.ranking[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, reading.ranking, add_to_output=True)
                message.set(
                    "question_focus",
                    {"focus": reading.focus, "second": reading.second},
                    add_to_output=True,
                )
                message.set("sentence_safety", reading.sentence_safety, add_to_output=True)
            return messages
