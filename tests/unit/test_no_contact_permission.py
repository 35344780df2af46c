"""Nothing the assistant says may sound like permission to contact before a judge changes the order."""

from __future__ import annotations

import re

import pytest

CONTACT = r"(?:contact|call|text|message|see|visit|meet|talk(?: to)?|reply|answer|respond|go (?:home|back)|reach out)"
# Calling the firm, 911 or a help line is always fine to suggest.
SAFE_OBJECT = r"(?!\s+(?:the firm|911|us|the crown|the police|a lawyer|your lawyer|one of these|the victim support line|\d))"
PERMISSION = [
    rf"\byou(?:'re| are)? (?:can|may|could|are (?:allowed|free|welcome|fine)(?: to)?)(?: now| still| also)? {CONTACT}\b{SAFE_OBJECT}",
    rf"\b(?:it'?s|it is|that'?s|that is) (?:ok|okay|fine|safe|allowed|legal|alright)(?: for (?:you|them|him|her))? to {CONTACT}\b",
    rf"\b(?:go ahead|feel free)(?: and| to)? {CONTACT}\b",
    r"\bcontact is (?:ok|okay|fine|allowed|permitted)\b",
    r"\b(?:no longer|not) (?:bound|in force|in effect)\b",
    r"\bif (?:she|he|they|the (?:victim|complainant|protected person)) (?:agrees?|consents?|says? (?:it'?s|it is) (?:ok|okay|fine)),? (?:you|the accused) (?:can|may)\b",
    r"\b(?:the order|it) (?:ends|is over|is lifted|goes away) (?:when|once|if) (?:she|he|they|the victim|the complainant)\b",
]  # fmt: skip
PATTERNS = [re.compile(p, re.IGNORECASE) for p in PERMISSION]


def grants_permission(text: str) -> list[str]:
    return [m.group(0) for p in PATTERNS for m in p.finditer(text)]


@pytest.mark.parametrize(
    "bad",
    [
        "If she agrees, you can contact her.",
        "It's okay to text him if he texts first.",
        "You may now see your children at home.",
        "Go ahead and call her.",
        "Once the victim consents, contact is allowed.",
        "The order ends when she drops the charges.",
        "You are allowed to reply to her messages.",
    ],
)
def test_the_scanner_catches_permission(bad):
    assert grants_permission(bad)


@pytest.mark.parametrize(
    "good",
    [
        "Do not answer any contact, even if they reach out first.",
        "The order stands until a judge or justice of the peace signs a change.",
        "You can tell the Crown's office what you want.",
        "You can book a consultation with the firm.",
        "If you want contact again, the order has to be changed first.",
    ],
)
def test_the_scanner_leaves_safe_text_alone(good):
    assert not grants_permission(good)


def test_no_response_grants_permission_to_contact(all_bot_texts):
    offending = {where: hits for where, text in all_bot_texts if (hits := grants_permission(text))}
    assert not offending, f"wording that sounds like permission to contact: {offending}"


def test_composed_answers_grant_no_permission(texts):
    for topic, role, order, answer in texts.all_answers():
        for bubble in answer.bubbles:
            assert not grants_permission(bubble.text), f"{topic} {role} {order}: {bubble.text}"


def test_no_answer_about_contact_opens_with_a_yes(texts):
    # "am i allowed to see my kids" is answered by ask_modify_order: an answer that opened
    # "Yes, it can be changed..." read as "yes, you may".
    openers = ("yes", "yeah", "sure", "of course", "that's fine", "okay", "ok ")
    for topic, role, order_type, answer in texts.all_answers():
        if not texts.topics[topic].touches_contact:
            continue
        first = answer.bubbles[0].text.lower()
        assert not first.startswith(openers), f"{topic} ({role}, {order_type}): {first[:60]}"
