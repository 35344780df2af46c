"""Bot messages as text messages: numbered options instead of buttons, SMS-sized parts.

Pure functions, shared by the Twilio channel and its tests. A number the user texts back is
mapped to the button it stands for with the same numbering (`choice_payload`), so what is
shown and what is understood cannot drift apart.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional, Tuple

import yaml

from bot.settings import ROOT

TEXT_FILE = ROOT / "bot" / "content" / "sms.yml"
SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")


@lru_cache(maxsize=1)
def texts() -> Dict[str, Any]:
    return yaml.safe_load(TEXT_FILE.read_text(encoding="utf-8"))


def clean(text: str) -> str:
    return " ".join(str(text).split())


def buttons_of(messages: Iterable[Dict[str, Any]]) -> List[Dict[str, str]]:
    """Every button offered in one turn, in order: the numbering the user sees."""
    found = []
    for message in messages:
        for button in message.get("buttons") or message.get("quick_replies") or []:
            if isinstance(button, dict) and button.get("title") and button.get("payload"):
                found.append({"title": clean(button["title"]), "payload": button["payload"]})
    return found


def choice_payload(body: str, offered: List[Dict[str, str]]) -> Optional[str]:
    """The payload for "2" (or "2." or " 2 "), when option 2 was offered; otherwise None."""
    match = re.fullmatch(r"\s*#?(\d{1,2})[.)]?\s*", body or "")
    if not match or not offered:
        return None
    index = int(match.group(1))
    return offered[index - 1]["payload"] if 1 <= index <= len(offered) else None


def turn_text(messages: List[Dict[str, Any]]) -> str:
    """One turn's messages as one text: paragraphs, buttons numbered across the whole turn."""
    paragraphs: List[str] = []
    number = 0
    for message in messages:
        lines = [clean(message["text"])] if message.get("text") else []
        for button in buttons_of([message]):
            number += 1
            lines.append(f"{number}. {button['title']}")
        if lines:
            paragraphs.append("\n".join(lines))
    if number:
        paragraphs.append(clean(texts()["choose"]))
    return "\n\n".join(paragraphs)


# How a text may be broken, from the best place to the worst, with what joins the pieces back.
BREAKS = [
    ("\n\n", re.compile(r"\n\n")),  # between paragraphs
    ("\n", re.compile(r"\n")),  # between lines (the numbered options)
    (" ", SENTENCE_END),  # between sentences
    (" ", re.compile(r"\s+")),  # between words
]


def _tokens(text: str, room: int, level: int = 0, sep: str = "") -> List[Tuple[str, str]]:
    """(separator, piece) pairs, each piece at most `room` long, broken as high up as possible."""
    if len(text) <= room:
        return [(sep, text)]
    if level == len(BREAKS):  # one enormous word: cut it
        return [(sep if i == 0 else "", text[i : i + room]) for i in range(0, len(text), room)]
    joiner, pattern = BREAKS[level]
    chunks = [chunk.strip() for chunk in pattern.split(text) if chunk.strip()]
    if len(chunks) == 1:
        return _tokens(text, room, level + 1, sep)
    tokens: List[Tuple[str, str]] = []
    for i, chunk in enumerate(chunks):
        tokens.extend(_tokens(chunk, room, level + 1, sep if i == 0 else joiner))
    return tokens


def split_parts(text: str, limit: int) -> List[str]:
    """Split into parts of at most `limit` characters, numbered "(1/3)" when there are several.

    Pieces are packed greedily, so a part breaks between paragraphs or sentences where it can.
    """
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    room = limit - len(texts()["part"].format(index=99, total=99)) - 1
    parts: List[str] = []
    current = ""
    for sep, piece in _tokens(text, room):
        if current and len(current) + len(sep) + len(piece) > room:
            parts.append(current)
            current = piece
        else:
            current = f"{current}{sep}{piece}" if current else piece
    if current:
        parts.append(current)
    total = len(parts)
    label = texts()["part"]
    return [f"{part} {label.format(index=i, total=total)}" for i, part in enumerate(parts, 1)]


def all_texts() -> List[Tuple[str, str]]:
    """(where, text) for the reading-level and wording scans."""
    said = [(f"sms.notice.{kind}", clean(text)) for kind, text in texts()["notice"].items()]
    said += [("sms.choose", clean(texts()["choose"])), ("sms.help", help_text())]
    return said + [("sms.empty", clean(texts()["empty"]))]


def notice(kind: str) -> str:
    return clean(texts()["notice"]["whatsapp" if kind == "whatsapp" else "sms"])


def help_text() -> str:
    return clean(texts()["help"])


def empty_text() -> str:
    return clean(texts()["empty"])


def reply_parts(
    messages: List[Dict[str, Any]], kind: str, limit: int, first_turn: bool, safety_first: bool
) -> List[str]:
    """Everything to send back for one incoming text, as parts of at most `limit` characters.

    The privacy notice goes with the first turn of a conversation: before the answer, except
    when the answer is a safety reply, which always comes first.
    """
    body = turn_text(messages)
    if first_turn:
        body = f"{body}\n\n{notice(kind)}" if safety_first else f"{notice(kind)}\n\n{body}"
    return split_parts(body.strip(), limit)
