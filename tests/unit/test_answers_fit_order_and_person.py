"""Every composed answer is right for its order type and for the person asking.

Table-driven over all answers (every topic, role and order type), after the independent legal
review (../shared/domain/legal-review-2026-12.md, problems 2 to 4, 7 and 8): an answer that is
right for a bail condition must not be reused where the law differs.
"""

from __future__ import annotations

import re

import pytest

# Topics where a person on a family restraining order may be offered the firm: they asked to book
# or for a person, or a breach of the order (a criminal charge, CC 127) is the subject.
BOOKING_FITS_A_RESTRAINING_ORDER = {"book_consultation", "request_human", "ask_breach_consequences"}
# Topics about changing the order: the only ones where a protected person hears that she can
# share her views with the Crown, and then with the two caveats the review asks for.
CHANGE_TOPICS = {
    "ask_victim_drop_order", "ask_who_decides", "ask_how_to_lift", "ask_lift_timeline",
    "ask_modify_order", "ask_victim_input", "ask_judge_factors", "ask_denial_reasons",
}  # fmt: skip
CROWN_VIEWS = re.compile(r"\b(tell|share|give)\b[^.]*\bCrown\b|\bCrown\b[^.]*\bwhat you want\b")
ADVICE = re.compile(r"\b(you should|we recommend|i recommend|we advise|i advise|my advice)\b", re.I)


def joined(answer) -> str:
    return " ".join(b.text for b in answer.bubbles)


def payloads(answer):
    return [b["payload"] for bubble in answer.bubbles for b in bubble.buttons]


def every(texts, **match):
    for topic, role, order, answer in texts.all_answers():
        found = {"topic": topic, "role": role, "order": order}
        if all(found[k] == v for k, v in match.items()):
            yield f"{topic} role={role} order={order}", topic, role, answer


def test_a_family_restraining_order_never_goes_to_the_crown_or_vwap(texts):
    wrong = {}
    for where, _topic, _role, answer in every(texts, order="restraining_order"):
        text = joined(answer).replace("has no Crown", "")  # saying so is right
        hits = [w for w in ("Crown", "Victim/Witness", "bail review") if w in text]
        if hits:
            wrong[where] = hits
    assert not wrong, wrong


def test_a_family_restraining_order_is_not_routed_to_the_criminal_defence_booking(texts):
    wrong = [
        where
        for where, topic, _role, answer in every(texts, order="restraining_order")
        if topic not in BOOKING_FITS_A_RESTRAINING_ORDER
        and ("/book_consultation" in payloads(answer) or "book a consultation" in joined(answer))
    ]
    assert not wrong, wrong


def test_a_person_on_a_family_restraining_order_hears_of_family_court(texts):
    for where, _topic, _role, answer in every(texts, order="restraining_order", role="accused"):
        assert "family" in joined(answer).lower(), where


def test_an_undertaking_is_not_said_to_change_only_when_a_judge_or_justice_signs(texts):
    # CC s. 502(1): the accused and the Crown can vary an undertaking in writing, no justice.
    only = re.compile(r"only a judge or justice|stands until a judge or justice", re.I)
    wrong = [w for w, _t, _r, a in every(texts, order="undertaking") if only.search(joined(a))]
    assert not wrong, wrong


def test_an_undertaking_reminder_says_what_section_502_says(texts):
    for where, topic, _role, answer in every(texts, order="undertaking"):
        if texts.topics[topic].touches_contact:
            assert "in writing" in joined(answer), where


@pytest.mark.parametrize("topic", ["ask_how_to_lift", "ask_who_decides", "ask_victim_drop_order"])
def test_probation_names_the_probation_officer_and_the_court(texts, topic):
    for role in (None, "accused", "protected_person"):
        text = joined(texts.compose(topic, role, "probation", may_ask_order_type=False))
        assert "probation officer" in text and "court" in text, (topic, role)


def test_a_protected_person_is_never_booked_or_advised(texts):
    wrong = {}
    for where, _topic, _role, answer in every(texts, role="protected_person"):
        text = joined(answer)
        if "/book_consultation" in payloads(answer) or "book a consultation" in text.lower():
            wrong[where] = "booking"
        elif ADVICE.search(text):
            wrong[where] = ADVICE.search(text).group(0)
    assert not wrong, wrong


def test_a_protected_person_hears_support_first_not_a_nudge_to_the_crown(texts):
    wrong = [
        where
        for where, topic, _role, answer in every(texts, role="protected_person")
        if topic not in CHANGE_TOPICS and CROWN_VIEWS.search(joined(answer))
    ]
    assert not wrong, wrong


def test_sharing_views_with_the_crown_comes_with_both_caveats(texts):
    wrong = []
    for where, _topic, _role, answer in every(texts, role="protected_person"):
        text = joined(answer)
        if CROWN_VIEWS.search(text) and not ("don't have to" in text and "not your lawyer" in text):
            wrong.append(where)
    assert not wrong, wrong


def test_the_protected_person_hears_she_cannot_drop_the_charges_either(texts):
    for role in (None, "protected_person"):
        answer = texts.compose("ask_victim_drop_order", role, "bail_condition",
                               may_ask_order_type=False)  # fmt: skip
        assert "drop the charges" in joined(answer) and "Crown decides" in joined(answer), role


def test_a_surety_is_told_to_get_their_own_advice_and_to_report_a_breach(texts):
    text = joined(texts.compose("ask_breach_consequences", "surety", "bail_condition",
                                may_ask_order_type=False))  # fmt: skip
    assert "own legal advice" in text and "police" in text
    assert "accused's lawyer first" not in text


@pytest.mark.parametrize("order", ["bail_condition", "undertaking", "probation", "peace_bond"])
def test_an_accused_parent_hears_a_parenting_order_does_not_override_the_no_contact(texts, order):
    for topic in ("ask_modify_order", "ask_mutual_contact"):
        text = joined(texts.compose(topic, "accused", order, may_ask_order_type=False))
        assert "parenting order" in text, (topic, order)
