"""What every channel does with a person's text before Rasa sees it.

One rule for the website, SMS and REST: invisible control characters go (they can hide or
reorder text in the staff views, and mean nothing to the assistant), Unicode is normalised,
and a message that is empty, not text, or longer than NOC_MAX_MESSAGE_CHARS gets a polite
reply that still names 911 instead of an answer. Emoji and right-to-left scripts stay as typed.

Safety comes before the length limit: an over-long message in which the safety phrase
patterns find danger or self-harm is not refused. The sentences that raised the alarm go on to
the assistant instead, so the person gets the safety reply (911 first, then the crisis lines).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

from bot.content.answers import content
from bot.nlu.safety import SafetyPatterns, normalise

# C0 and C1 controls except tab and newline become spaces (they may stand between words).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Zero-width characters, the bidirectional embedding, override and isolate controls (used to
# make text display differently from what it says) and the byte-order mark simply go.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_LINE_BREAKS = re.compile(r"\r\n?|\u2028|\u2029")
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")
URGENT = ("self_harm", "danger")
CONTEXT_BEFORE = 200  # characters kept before the alarming phrase, for the classifier


@dataclass(frozen=True)
class Inbound:
    """A message as the assistant should take it: `text` to answer, or a `reply` instead."""

    text: str
    reply: Optional[str] = None


def clean(text: str) -> str:
    text = _LINE_BREAKS.sub("\n", text)
    # Lone surrogates cannot be stored or sent on; they only come from broken clients.
    text = text.encode("utf-8", errors="replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text)
    return _INVISIBLE.sub("", _CONTROLS.sub(" ", text)).strip()


def check(raw: Any, max_chars: int) -> Inbound:
    """The cleaned text, or the polite reply for a message the assistant cannot take."""
    if not isinstance(raw, str):
        return Inbound("", content().prompt("input_not_text"))
    text = clean(raw)
    if not text:
        return Inbound("", content().prompt("input_empty"))
    if len(text) > max_chars:
        urgent = urgent_excerpt(text, max_chars)
        if urgent:
            return Inbound(urgent)
        return Inbound("", content().prompt("input_too_long", max_chars=f"{max_chars:,}"))
    return Inbound(text)


@lru_cache(maxsize=1)
def _patterns() -> SafetyPatterns:
    return SafetyPatterns.load()


def urgent_excerpt(text: str, max_chars: int) -> str:
    """The sentences of `text` in which the safety patterns find danger or self-harm, each from
    a little before the alarming phrase, joined and cut to `max_chars`; "" when there are none."""
    found = []
    for sentence in _SENTENCES.split(text):
        clean = normalise(sentence)
        phrase = next((p for c in URGENT if (p := _patterns().first_match(c, clean))), None)
        if phrase:
            start = max(0, clean.find(phrase) - CONTEXT_BEFORE)
            found.append(clean[start : start + max_chars])
    return " ".join(found)[:max_chars].strip()
