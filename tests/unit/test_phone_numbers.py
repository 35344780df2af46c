"""Every phone number the assistant can say is one from the legal brief's resource table."""

from __future__ import annotations

import re

PHONE = re.compile(
    r"(?<![\w-])(?:1-)?\d{3}-\d{3}-\d{4}\b|#SAFE|#\d{4}|\b9-8-8\b|\b911\b|\b686868\b"
)


def numbers_in(text: str) -> set[str]:
    return set(PHONE.findall(text))


def test_pattern_finds_the_numbers_people_dial():
    found = numbers_in("Call 911, or 1-866-863-0511 (GTA 416-863-0511), #SAFE, text 686868.")
    assert found == {"911", "1-866-863-0511", "416-863-0511", "#SAFE", "686868"}


def test_every_number_said_is_in_the_brief(all_bot_texts, legal_brief):
    said = {}
    for where, text in all_bot_texts:
        for number in numbers_in(text):
            said.setdefault(number, where)
    assert said, "expected phone numbers in the responses"
    unknown = {n: w for n, w in said.items() if n not in legal_brief}
    assert not unknown, f"numbers not in ../shared/domain/legal-brief.md: {unknown}"


def test_the_danger_reply_leads_with_911(domain_yaml):
    assert "911" in domain_yaml["responses"]["utter_danger_911"][0]["text"]
    lines = domain_yaml["responses"]["utter_danger_lines"][0]["text"]
    for needed in ("1-866-863-0511", "1-855-554-4325", "1-877-336-2433", "1-800-668-6868"):
        assert needed in lines
