"""Every response reads at about grade 8: measured with the Flesch-Kincaid grade formula.

Phone numbers, web addresses and placeholders are not words a reader has to decode, and the
formula counts their digits as syllables, so they are removed before measuring.
"""

from __future__ import annotations

import re
import statistics

import textstat

MAX_GRADE = 10.0
# The formula needs sentences: on a one-word label such as "Conversation" it reports grade 32.
# Labels shorter than this are exempt (the permission and phone scans still read them).
MIN_WORDS = 4
TARGET_MEDIAN = 8.0
NOT_PROSE = re.compile(
    r"https?://\S+|\b[\w.]+\.(?:info|ca|org|com)\b|#?\+?\d[\d\-() ]{2,}\d|\{\w+\}"
)


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(NOT_PROSE.sub("", text))


def test_formula_tells_plain_from_legalese():
    plain = "Only a judge can change the order. Do not answer any calls."
    legal = (
        "Notwithstanding the complainant's expressed preference, variation of the recognizance "
        "necessitates prosecutorial consent and subsequent judicial endorsement."
    )
    assert grade(plain) <= MAX_GRADE < grade(legal)


def test_every_response_is_at_most_grade_10(all_bot_texts):
    grades = {where: grade(text) for where, text in all_bot_texts if len(text.split()) >= MIN_WORDS}
    too_hard = {w: round(g, 1) for w, g in grades.items() if g > MAX_GRADE}
    median = statistics.median(grades.values())
    print(f"\nreading level: {len(grades)} texts, median grade {median:.1f}, "
          f"max {max(grades.values()):.1f}")  # fmt: skip
    assert not too_hard, f"above grade {MAX_GRADE}: {too_hard}"
    assert median <= TARGET_MEDIAN, f"median grade {median:.1f} is above {TARGET_MEDIAN}"
