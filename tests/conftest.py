"""Shared fixtures: the content, a fresh dispatcher, and a tracker builder (rasa-sdk types)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml

from bot.channels.sms_replies import all_texts as sms_texts
from bot.content.answers import Content
from bot.web.assets import widget_texts

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "domain"


@pytest.fixture(scope="session")
def texts() -> Content:
    return Content.load()


@pytest.fixture(scope="session")
def domain_yaml() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def legal_brief() -> str:
    """The verified brief, its 2026 addendum, and the independent legal review of 2026-12 (its
    sources were read against the Criminal Code and the services' own pages): every legal
    statement must trace to one of them."""
    files = [SHARED / name for name in ("legal-brief.md", "legal-changes-2026.md",
                                        "legal-review-2026-12.md")]  # fmt: skip
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        pytest.fail(f"../shared must sit beside the repository; missing {missing}")
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


@pytest.fixture
def dispatcher():
    from rasa_sdk.executor import CollectingDispatcher

    return CollectingDispatcher()


def make_tracker(
    intent: str,
    slots: Optional[Dict[str, Any]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    ranking: Optional[List[Dict[str, Any]]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    text: str = "",
    parse_extra: Optional[Dict[str, Any]] = None,
):
    """A fresh tracker whose latest message has the given intent (built per test)."""
    from rasa_sdk import Tracker

    latest = {
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
        "entities": entities or [],
        "text": text,
        **(parse_extra or {}),
    }
    all_events = list(events or []) + [{"event": "user", "text": text, "parse_data": latest}]
    return Tracker(
        "test-user", dict(slots or {}), latest, all_events, False, None, {}, "action_listen"
    )


@pytest.fixture
def tracker_for():
    return make_tracker


@pytest.fixture(scope="session")
def all_bot_texts(texts, domain_yaml):
    """(where, text) for everything the assistant can say: domain responses and content."""
    said = [
        (f"domain.{name}", variant["text"])
        for name, variants in domain_yaml["responses"].items()
        for variant in variants
        if variant.get("text")
    ]
    said.extend(texts.all_texts())
    said.extend((f"widget.{key}", text) for key, text in widget_texts().items())
    said.extend(sms_texts())
    assert len(said) > 50
    return said


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server on loopback for the whole test session."""
    from tests.support.postgres import PostgresServer

    server = PostgresServer().start()
    try:
        yield server.url
    finally:
        server.stop()
