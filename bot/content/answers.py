"""Load the answer content and put an answer together for a topic, a role and an order type.

Everything here is plain Python over the YAML files beside this module, so the rules that matter
(which text a protected person gets, which order type is assumed, when to ask) are tested directly,
without Rasa. The actions in ``actions/`` only read slots and send what this module returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import yaml

CONTENT_DIR = Path(__file__).resolve().parent

ROLES = ("accused", "protected_person", "family_member", "surety")
ORDER_TYPES = ("bail_condition", "undertaking", "peace_bond", "probation", "restraining_order")
# When nobody has said which order it is, answer for the most common one (bail) and offer to switch.
COMMON_ORDER_TYPE = "bail_condition"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Bubble:
    text: str
    buttons: Tuple[Dict[str, str], ...] = ()


@dataclass(frozen=True)
class Answer:
    topic: str
    bubbles: Tuple[Bubble, ...]
    sources: Tuple[str, ...]
    reviewed: str
    order_type_used: Optional[str] = None
    asked_order_type: bool = False


@dataclass(frozen=True)
class Variant:
    text: str
    sources: Tuple[str, ...] = ()
    buttons: Tuple[str, ...] = ()


@dataclass(frozen=True)
class ChoiceGroup:
    by: str  # "order_type", "role" or "none"
    variants: Dict[str, Variant] = field(default_factory=dict)


@dataclass(frozen=True)
class Topic:
    name: str
    label: str
    reviewed: str
    core: Tuple[ChoiceGroup, ...]
    next: Optional[ChoiceGroup]
    touches_contact: bool
    order_matters: bool
    ask_role: bool


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def _expand_keys(raw: Dict) -> Dict[str, Dict]:
    """`"family_member, surety": {...}` stands for both keys."""
    expanded = {}
    for key, value in raw.items():
        for part in str(key).split(","):
            expanded[part.strip()] = value
    return expanded


def _variant(raw) -> Variant:
    if isinstance(raw, str):
        return Variant(text=_clean(raw))
    return Variant(
        text=_clean(raw["text"]),
        sources=tuple(raw.get("sources", ())),
        buttons=tuple(raw.get("buttons", ())),
    )


def _group(raw: Dict) -> ChoiceGroup:
    raw = dict(raw)
    by = raw.pop("by", "none")
    if by not in ("order_type", "role", "none"):
        raise ValueError(f"unknown 'by: {by}'")
    return ChoiceGroup(by=by, variants={k: _variant(v) for k, v in _expand_keys(raw).items()})


def _topic(name: str, raw: Dict) -> Topic:
    core_raw = raw["core"]
    core_list = core_raw if isinstance(core_raw, list) else [core_raw]
    return Topic(
        name=name,
        label=_clean(raw["label"]),
        reviewed=str(raw["reviewed"]),
        core=tuple(_group(g) for g in core_list),
        next=_group(raw["next"]) if "next" in raw else None,
        touches_contact=bool(raw.get("touches_contact", False)),
        order_matters=bool(raw.get("order_matters", False)),
        ask_role=bool(raw.get("ask_role", False)),
    )


def role_keys(role: Optional[str], order: str) -> List[str]:
    """Variant keys for a role-picked text, most specific first: "accused@probation", then
    "default@probation" (where the law differs by order, that wins over the role), then
    "accused", then "default"."""
    keys = [f"{role}@{order}", f"default@{order}", role] if role else [f"default@{order}"]
    return keys + ["default"]


def _first(variants: Dict, keys: Sequence[str]):
    return next((variants[key] for key in keys if key in variants), None)


def _read(name: str) -> Dict:
    return yaml.safe_load((CONTENT_DIR / name).read_text(encoding="utf-8"))


class Content:
    """The answers, prompts and sources, loaded once."""

    def __init__(self, answers: Dict, prompts: Dict, sources: Dict) -> None:
        self.topics: Dict[str, Topic] = {n: _topic(n, t) for n, t in answers["topics"].items()}
        self.reminders: Dict[str, str] = {
            k: _clean(v) for k, v in _expand_keys(answers["reminders"]["contact"]).items()
        }
        self.reminder_sources: Tuple[str, ...] = tuple(answers["reminders"].get("sources", ()))
        self.next_steps: Dict[str, Variant] = {
            k: _variant(v) for k, v in _expand_keys(answers["next_steps"]).items()
        }
        self.prompts = prompts
        self.sources: Dict[str, Dict[str, str]] = sources["sources"]

    @classmethod
    def load(cls) -> Content:
        return cls(_read("answers.yml"), _read("prompts.yml"), _read("sources.yml"))

    # --- lookups -------------------------------------------------------------------------

    def buttons(self, names: Sequence[str]) -> Tuple[Dict[str, str], ...]:
        sets = self.prompts["button_sets"]
        return tuple(dict(b) for name in names for b in sets[name])

    def prompt(self, key: str, /, **values: str) -> str:
        text = _clean(self.prompts[key])
        return text.format(**values) if values else text

    def firm_contact(self, phone: str, url: str) -> str:
        templates = self.prompts["firm_contact"]
        key = "phone_and_url" if phone and url else "phone" if phone else "url" if url else "none"
        return templates[key].format(phone=phone, url=url)

    def needs_role_question(self, topic: str, role: Optional[str], role_asked: bool) -> bool:
        """Ask who is writing only when the topic's answer depends on it, and only once."""
        known = role in ROLES or role == UNKNOWN
        return self.topics[topic].ask_role and not known and not role_asked

    # --- composing an answer ---------------------------------------------------------------

    def compose(
        self,
        topic: str,
        role: Optional[str],
        order_type: Optional[str],
        *,
        may_ask_order_type: bool,
        firm_contact: str = "",
        with_disclaimer: bool = False,
    ) -> Answer:
        """The bubbles for one answer; see answers.yml for the shape."""
        spec = self.topics[topic]
        role_key = role if role in ROLES else None
        order_known = order_type in ORDER_TYPES
        order_key = order_type if order_known else COMMON_ORDER_TYPE

        sources: List[str] = []
        bubbles: List[Bubble] = []
        for group in spec.core:
            variant = self._pick(group, role_key, order_key)
            if variant is None:
                raise LookupError(f"{topic}: no core text for role={role} order={order_type}")
            bubbles.append(self._bubble(variant.text, variant.buttons, firm_contact))
            sources.extend(variant.sources)

        step = self._next_step(spec, role_key, order_key)
        closing = [step.text]
        if spec.touches_contact:
            closing.insert(0, _first(self.reminders, role_keys(role_key, order_key)))
            sources.extend(self.reminder_sources)
        if with_disclaimer:
            closing.append(self.prompt("disclaimer"))
        bubbles.append(self._bubble(" ".join(closing), step.buttons, firm_contact))
        sources.extend(step.sources)

        asked = False
        if spec.order_matters and not order_known and may_ask_order_type:
            bubbles.append(Bubble(self.prompt("order_question"), self.buttons(["order_types"])))
            asked = True

        return Answer(
            topic=topic,
            bubbles=tuple(bubbles),
            sources=tuple(dict.fromkeys(sources)),
            reviewed=spec.reviewed,
            order_type_used=order_key if spec.order_matters else None,
            asked_order_type=asked,
        )

    def _bubble(self, text: str, button_names: Sequence[str], firm_contact: str) -> Bubble:
        return Bubble(
            text.replace("{firm_contact}", firm_contact).strip(), self.buttons(button_names)
        )

    @staticmethod
    def _pick(group: Optional[ChoiceGroup], role: Optional[str], order: str) -> Optional[Variant]:
        if group is None:
            return None
        if group.by == "order_type":
            keys = [order, "default"]
        elif group.by == "role":
            keys = role_keys(role, order)
        else:
            keys = ["default"]
        return _first(group.variants, keys)

    def _next_step(self, spec: Topic, role: Optional[str], order: str) -> Variant:
        """The step that fits this person and this order.

        The topic's own text wins: for this person and order, for anyone with this order, then
        for this person. Then the usual step for this person and this order (a family
        restraining order never goes to the Crown), the topic's text for anyone, and the usual
        step for this person.
        """
        topic = spec.next.variants if spec.next else {}
        steps = self.next_steps
        if role:
            combined = f"{role}@{order}"
            keys = [
                (topic, combined),
                (topic, f"default@{order}"),
                (topic, role),
                (steps, combined),
                (topic, "default"),
                (steps, role),
            ]
        else:
            keys = [(topic, f"default@{order}"), (steps, f"default@{order}"), (topic, "default")]
        for variants, key in keys:
            if key in variants:
                return variants[key]
        return self.next_steps["default"]

    # --- for tests and reviewers -----------------------------------------------------------

    def all_answers(self) -> Iterator[Tuple[str, Optional[str], Optional[str], Answer]]:
        """Every topic for every role (and none) and every order type (and none)."""
        for topic in self.topics:
            for role in (None, UNKNOWN) + ROLES:
                for order in (None,) + ORDER_TYPES:
                    answer = self.compose(
                        topic, role, order, may_ask_order_type=True, firm_contact="{firm_contact}"
                    )
                    yield topic, role, order, answer

    def all_texts(self) -> Iterator[Tuple[str, str]]:
        """(where, text) for every text the actions can say, for the reading and safety scans."""
        for name, topic in self.topics.items():
            for group in topic.core + ((topic.next,) if topic.next else ()):
                for key, variant in group.variants.items():
                    yield f"answers.{name}.{key}", variant.text
        for key, text in self.reminders.items():
            yield f"reminders.contact.{key}", text
        for key, variant in self.next_steps.items():
            yield f"next_steps.{key}", variant.text
        for key, value in self.prompts.items():
            if isinstance(value, str):
                yield f"prompts.{key}", _clean(value)
            elif key in ("role_thanks", "firm_contact", "form_errors"):
                for sub, text in value.items():
                    yield f"prompts.{key}.{sub}", _clean(text)
            elif key == "form_questions":
                for sub, question in value.items():
                    yield f"prompts.{key}.{sub}", _clean(question["text"])


@lru_cache(maxsize=1)
def content() -> Content:
    """The content as loaded at first use; the action server loads it once."""
    return Content.load()
