"""Rasa pipeline component: the `role` and `order_type` entities from the spaCy span ruler.

The span ruler (built by ``bot.nlu.spacy_pipeline``) marks phrases such as "I'm the victim" or
"non-com" in ``doc.spans``. This component turns those spans into Rasa entities with canonical
values (``role=protected_person``, ``order_type=bail_condition``) so slots fill from any intent.

The choice of span is a pure function, ``choose_entities``, so tests reach it without Rasa.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, NamedTuple

from bot.nlu.spacy_pipeline import LABEL_SEPARATOR, SPANS_KEY

EXTRACTOR_NAME = "RoleAndOrderExtractor"


class RulerSpan(NamedTuple):
    label: str  # "<entity>:<value>", e.g. "role:accused"
    start: int  # character offsets in the message text
    end: int


def choose_entities(spans: Iterable[RulerSpan]) -> List[Dict[str, Any]]:
    """One entity per kind: the longest matching phrase wins, then the one said last.

    Longest first because a longer phrase is more specific ("i'm not allowed to contact" over
    "bail" for the role); last on a tie because people usually correct themselves at the end
    ("my brother... actually I'm his surety").
    """
    best: Dict[str, RulerSpan] = {}
    for span in spans:
        entity, _, value = span.label.partition(LABEL_SEPARATOR)
        if not entity or not value:
            continue
        current = best.get(entity)
        length = span.end - span.start
        if (
            current is None
            or length > current.end - current.start
            or (length == current.end - current.start and span.start >= current.start)
        ):
            best[entity] = span
    entities = []
    for entity, span in best.items():
        entities.append(
            {
                "entity": entity,
                "value": span.label.partition(LABEL_SEPARATOR)[2],
                "start": span.start,
                "end": span.end,
                "confidence_entity": 1.0,
                "extractor": EXTRACTOR_NAME,
            }
        )
    return sorted(entities, key=lambda e: e["start"])


def spans_from_doc(doc: Any) -> List[RulerSpan]:
    """Read the ruler's spans from a spaCy ``Doc`` (empty when the ruler did not run)."""
    if doc is None or SPANS_KEY not in doc.spans:
        return []
    return [RulerSpan(s.label_, s.start_char, s.end_char) for s in doc.spans[SPANS_KEY]]


try:  # The component class needs Rasa; the helpers above do not.
    from rasa.engine.graph import ExecutionContext, GraphComponent
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.nlu.constants import SPACY_DOCS
    from rasa.nlu.extractors.extractor import EntityExtractorMixin
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.shared.nlu.constants import ENTITIES, TEXT
    from rasa.shared.nlu.training_data.message import Message
except ImportError:  # pragma: no cover - only in environments without Rasa
    GraphComponent = None

if GraphComponent is not None:

    @DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
    class RoleAndOrderExtractor(GraphComponent, EntityExtractorMixin):
        """Adds `role` and `order_type` entities found by the spaCy span ruler."""

        @classmethod
        def required_components(cls) -> List[type]:
            return [SpacyNLP]

        @classmethod
        def create(
            cls,
            config: Dict[str, Any],
            model_storage: ModelStorage,
            resource: Resource,
            execution_context: ExecutionContext,
        ) -> RoleAndOrderExtractor:
            return cls()

        def process(self, messages: List[Message]) -> List[Message]:
            for message in messages:
                found = choose_entities(spans_from_doc(message.get(SPACY_DOCS[TEXT])))
                if not found:
                    continue
                kinds = {e["entity"] for e in found}
                # Keep entities that came from elsewhere (e.g. a button payload) for other kinds.
                kept = [e for e in message.get(ENTITIES, []) if e.get("entity") not in kinds]
                message.set(ENTITIES, kept + found, add_to_output=True)
            return messages
