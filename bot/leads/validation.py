"""Pure checks for what a person types into the consultation form.

Each function returns the clean value, or None when the input cannot be used; the form's
validator turns None into a short explanation and asks again.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Optional, Tuple

MAX_NAME = 80
MAX_COURTHOUSE = 80
SKIP_WORDS = {"skip", "no", "none", "not sure", "unsure", "don't know", "dont know", "idk", "n/a",
              "na", "i don't know", "i dont know", "no idea", "not yet", "unknown", "-"}  # fmt: skip
YES_WORDS = {"yes", "y", "yeah", "yep", "ok", "okay", "sure", "yes please", "that's fine",
             "it's safe", "safe", "i agree", "agree", "oui"}  # fmt: skip
NO_WORDS = {"no", "n", "nope", "nah", "not safe", "no thanks", "don't", "dont", "i don't agree",
            "non"}  # fmt: skip
TIME_WINDOWS = {
    "morning": "morning",
    "mornings": "morning",
    "am": "morning",
    "afternoon": "afternoon",
    "afternoons": "afternoon",
    "pm": "afternoon",
    "evening": "evening",
    "evenings": "evening",
    "night": "evening",
    "any": "any time",
    "anytime": "any time",
    "any time": "any time",
    "whenever": "any time",
}
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")  # fmt: skip
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _plain(text: Optional[str]) -> str:
    return " ".join(CONTROL.sub(" ", text or "").split())


def normalise_phone(text: Optional[str]) -> Optional[str]:
    """A Canadian (North American) phone number in E.164 form, e.g. '+14165550123'.

    Accepts the ways people type them: 416-555-0123, (416) 555 0123, 1 416 555 0123,
    +1.416.555.0123. Area code and exchange must not start with 0 or 1 (NANP rules).
    """
    raw = _plain(text)
    if not raw or re.search(r"[A-Za-z]", raw.replace("ext", "")):
        return None
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return None
    return "+1" + digits


def normalise_email(text: Optional[str]) -> Optional[str]:
    raw = _plain(text)
    if len(raw) > 254 or " " in raw or not EMAIL.match(raw):
        return None
    local, _, domain = raw.rpartition("@")
    return f"{local}@{domain.lower()}"


def parse_contact(text: Optional[str]) -> Optional[Tuple[str, str]]:
    """('phone', '+1...') or ('email', 'a@b.ca'), from whichever the person gave."""
    email = normalise_email(text)
    if email:
        return "email", email
    phone = normalise_phone(text)
    if phone:
        return "phone", phone
    return None


def parse_name(text: Optional[str]) -> Optional[str]:
    """A name to greet people by: letters, spaces, hyphens, apostrophes and dots; no digits."""
    name = _plain(text)
    if not name or len(name) > MAX_NAME or re.search(r"[0-9@<>{}\[\]\\/|=_*#$%^~`]", name):
        return None
    if not re.search(r"[^\W\d_]", name):
        return None
    return name


def parse_yes_no(text: Optional[str]) -> Optional[bool]:
    answer = _plain(text).lower().strip(".!")
    if answer in YES_WORDS:
        return True
    if answer in NO_WORDS:
        return False
    return None


def parse_time_window(text: Optional[str]) -> Optional[str]:
    answer = _plain(text).lower().strip(".!")
    for word, window in TIME_WINDOWS.items():
        if re.search(rf"\b{re.escape(word)}\b", answer):
            return window
    return None


def is_skip(text: Optional[str]) -> bool:
    return _plain(text).lower().strip(".!") in SKIP_WORDS


def parse_court_date(text: Optional[str], today: date) -> Optional[str]:
    """An ISO date that is today or later, from 2026-12-03, 12/03/2026 (day/month first is
    ambiguous, so only year-first or a written month is accepted), or 'Dec 3 2026'."""
    raw = _plain(text).lower().replace(",", " ")
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", raw)
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    parts = None
    if match:
        parts = tuple(int(p) for p in match.groups())
    else:
        words = raw.split()
        month = next((i + 1 for w in words for i, m in enumerate(months) if w.startswith(m)), None)
        # isdecimal, not isdigit: "²" is a digit that int() refuses (found by hypothesis).
        numbers = [int(w.rstrip("stndrh")) for w in words
                   if w.rstrip("stndrh").isdecimal() and len(w.rstrip("stndrh")) <= 4]  # fmt: skip
        year = next((n for n in numbers if n > 31), today.year)
        day = next((n for n in numbers if 1 <= n <= 31), None)
        if month and day:
            parts = (year, month, day)
            try:
                past = date(*parts) < today
            except ValueError:  # "30 Feb" (found by hypothesis)
                return None
            if past and not any(n > 31 for n in numbers):
                parts = (year + 1, month, day)  # "Jan 5" said in December means next year
    if not parts:
        return None
    try:
        value = date(*parts)
    except ValueError:
        return None
    if value < today or value.year > today.year + 3:
        return None
    return value.isoformat()


def parse_courthouse(text: Optional[str]) -> Optional[str]:
    name = _plain(text)
    if not name or len(name) > MAX_COURTHOUSE or re.search(r"[<>{}\[\]\\|=`]", name):
        return None
    return name
