"""Which part of a long message asks the question.

People often tell a story first and ask at the end ("We had a fight in March. He's on bail now.
Can I drop it?"). Classified as one bag of words, the story drowns the question. So a message is
split into sentences by pySBD (a rule-based sentence boundary detector that knows abbreviations,
ellipses and lists), and the sentences that ask something are found. The classifier then weighs
the question against the whole message, and the safety check looks at every sentence.

Pure functions, no Rasa: tests reach them directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import List, Tuple

# Words a question in English starts with, as people type them ("wat", "cn", "r" included).
QUESTION_STARTS = frozenset(
    """what whats what's wat how hows how's who whos who's whom whose when where why which
    can cn could cant can't will would wont won't shall should is isnt isn't are arent aren't r
    am do does did dont don't doesnt doesn't didnt didn't has have hasnt hasn't havent haven't
    may might must if any anyone anybody""".split()
)
# Sentence ends inside a message; without one there is only one sentence and nothing to split.
_INNER_END = re.compile(r"[.!?…]+[\s\"')\]]+\S")
# Legal citations that pySBD takes for a sentence end ("s. 810", "ss. 515", "para. 3").
_CITATION_END = re.compile(r"(?:^|\s)(?:s|ss|subs|para|paras|art|no|cc|r\.s\.c)\.\s*$", re.I)


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int

    @property
    def is_question(self) -> bool:
        return is_question(self.text)


def is_question(sentence: str) -> bool:
    """A sentence asks something if it ends with "?" or starts the way a question starts."""
    stripped = sentence.strip()
    if not stripped:
        return False
    if stripped.rstrip("\"')] ").endswith("?"):
        return True
    first = re.split(r"[^\w']+", stripped.lower(), maxsplit=1)[0]
    return first in QUESTION_STARTS


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def split_sentences(text: str) -> List[Sentence]:
    """The message's sentences, with their character offsets; one sentence when it has no end."""
    if not text or not text.strip():
        return []
    if not _INNER_END.search(text):
        stripped = text.strip()
        start = text.index(stripped)
        return [Sentence(stripped, start, start + len(stripped))]
    pieces: List[Tuple[int, int]] = []
    for span in _segmenter().segment(text):
        piece = span.sent
        if not piece.strip():
            continue
        start, end = span.start, span.end
        # Glue a citation's number back to its section sign ("s." + "810 peace bond").
        if pieces and _CITATION_END.search(text[pieces[-1][0] : pieces[-1][1]]):
            pieces[-1] = (pieces[-1][0], end)
        else:
            pieces.append((start, end))
    sentences = []
    for start, end in pieces:
        raw = text[start:end]
        stripped = raw.strip()
        if stripped:
            offset = start + raw.index(stripped)
            sentences.append(Sentence(stripped, offset, offset + len(stripped)))
    return sentences


def questions(sentences: List[Sentence]) -> List[Sentence]:
    return [s for s in sentences if s.is_question]
