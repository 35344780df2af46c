"""The one redaction function every staff view and export uses.

Personal details are hidden by default: phone numbers, email addresses, street addresses and
postal codes by pattern, and every value the person gave in the consultation form (name,
contact, courthouse, court date) wherever it appears. A staff member can reveal a transcript;
that is logged.
"""

from __future__ import annotations

import re
from typing import Iterable

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)(\+?\d[\d\s().-]{7,}\d)(?!\w)")
POSTAL_CODE = re.compile(r"\b[A-Za-z]\d[A-Za-z][ -]?\d[A-Za-z]\d\b")
STREET = re.compile(
    r"\b\d{1,6}[A-Za-z]?\s+(?:[A-Z][\w'.-]*\s+){1,4}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Crescent|Cres|Court|Ct|Lane|Ln|"
    r"Way|Place|Pl|Trail|Parkway|Pkwy|Circle|Terrace|Square|Sq|Gardens|Grove|Highway|Hwy)\b\.?(?:\s+(?:East|West|North|South|E|W|N|S)\b)?",
)
# "my name is Sam", "I'm Sam Lee" (capitalised words after it): a name given in passing.
TOLL_FREE = re.compile(r"^1?8(00|33|44|55|66|77|88)\d{7}$")
NAME_INTRO = re.compile(r"\b(my name is|my name's|call me|this is)\s+((?:[A-Z][a-z'-]+\s?){1,3})")

MIN_VALUE_CHARS = 2


def redact(text: str, personal_values: Iterable[str] = ()) -> str:
    """`text` with personal details replaced by [labels]; safe to show any staff member."""
    if not text:
        return text or ""
    text = EMAIL.sub("[email]", text)
    text = STREET.sub("[address]", text)
    text = POSTAL_CODE.sub("[postal code]", text)
    text = PHONE.sub(_phone, text)
    text = NAME_INTRO.sub(_name, text)
    for value in sorted({v.strip() for v in personal_values if v}, key=len, reverse=True):
        if len(value) >= MIN_VALUE_CHARS:
            text = re.sub(re.escape(value), "[personal detail]", text, flags=re.IGNORECASE)
    return text


def _name(match: re.Match) -> str:
    trailing = " " if match.group(2).endswith(" ") else ""
    return f"{match.group(1)} [name]{trailing}"


def _phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(1))
    # Dates such as 2026-12-03 have 8 digits; phone numbers have 10 or more. Toll-free numbers
    # (the help lines the bot gives) belong to no person, so they stay readable.
    if len(digits) < 10 or TOLL_FREE.match(digits):
        return match.group(1)
    return "[phone]"


# The personal fields of a consultation request (bot/leads): hidden until revealed.
LEAD_PERSONAL_FIELDS = ("name", "contact", "courthouse", "court_date")


def redact_lead(payload: dict) -> dict:
    return {k: ("[hidden]" if k in LEAD_PERSONAL_FIELDS and v else v) for k, v in payload.items()}
