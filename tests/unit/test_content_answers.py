"""Every answer, for every role and order type: shape, next step, role and order fit."""

from __future__ import annotations

import re

import pytest

from bot.content.answers import ORDER_TYPES, ROLES

CONTRACT_FAQ_INTENTS = [
    "ask_what_is_order", "ask_victim_drop_order", "ask_who_decides", "ask_how_to_lift",
    "ask_lift_timeline", "ask_breach_consequences", "ask_mutual_contact", "ask_modify_order",
    "ask_judge_factors", "ask_denial_reasons", "ask_order_types", "ask_victim_input",
    "ask_lawyer_help",
]  # fmt: skip


STANDS_UNTIL = re.compile(
    r"stands until (a judge or justice of the peace signs a change|(you|the Crown) and the"
    r" (Crown|accused) sign a change in writing, or a justice replaces it|a family court judge"
    r" changes it)"
)


def joined(answer) -> str:
    return " ".join(b.text for b in answer.bubbles)


def test_every_contract_faq_intent_has_an_answer(texts):
    assert set(CONTRACT_FAQ_INTENTS) <= set(texts.topics)


def test_every_combination_fits_a_chat_and_ends_with_a_next_step(texts):
    count = 0
    for topic, role, order, answer in texts.all_answers():
        count += 1
        where = f"{topic} role={role} order={order}"
        assert 1 <= len(answer.bubbles) <= 3, where
        closing = answer.bubbles[-2] if answer.asked_order_type else answer.bubbles[-1]
        assert "Next step" in closing.text, f"{where}: no next step in {closing.text!r}"
        assert all(len(b.text) <= 600 for b in answer.bubbles), f"{where}: bubble too long"
        assert answer.reviewed, where
    assert count == len(texts.topics) * (len(ROLES) + 2) * (len(ORDER_TYPES) + 1)


def test_a_protected_person_is_never_offered_booking(texts):
    for topic, role, order, answer in texts.all_answers():
        if role != "protected_person":
            continue
        payloads = [b["payload"] for bubble in answer.bubbles for b in bubble.buttons]
        assert "/book_consultation" not in payloads, f"{topic} order={order}"


def test_a_protected_person_hears_the_firm_acts_for_the_accused_when_asking_for_help(texts):
    for topic in ("ask_lawyer_help", "book_consultation", "request_human"):
        answer = texts.compose(topic, "protected_person", None, may_ask_order_type=False)
        assert "acts only for" in joined(answer), topic


def test_the_victim_cannot_drop_it_whoever_asks(texts):
    for role in (None,) + ROLES:
        answer = texts.compose(
            "ask_victim_drop_order", role, "bail_condition", may_ask_order_type=False
        )
        assert joined(answer).startswith("No."), role


def test_role_framing_differs_where_it_matters(texts):
    accused = joined(texts.compose("ask_mutual_contact", "accused", None, may_ask_order_type=False))
    protected = joined(
        texts.compose("ask_mutual_contact", "protected_person", None, may_ask_order_type=False)
    )
    assert "Do not answer" in accused
    assert "binds the other person, not you" in protected
    assert "Victim/Witness Assistance Program" in protected


def test_protected_person_next_step_points_to_crown_or_vwap(texts):
    answer = texts.compose("ask_victim_drop_order", "protected_person", "bail_condition",
                           may_ask_order_type=False)  # fmt: skip
    assert "Crown" in answer.bubbles[-1].text
    assert "Victim/Witness Assistance Program" in answer.bubbles[-1].text


@pytest.mark.parametrize(
    "order, expected",
    [
        ("bail_condition", "up to 2 years"),
        ("undertaking", "up to 2 years"),
        ("probation", "up to 4 years"),
        ("peace_bond", "up to 4 years"),
        ("restraining_order", "up to 2 years"),
    ],
)
def test_breach_penalty_fits_the_order_type(texts, order, expected):
    answer = texts.compose("ask_breach_consequences", "accused", order, may_ask_order_type=True)
    assert expected in answer.bubbles[0].text
    assert not answer.asked_order_type


@pytest.mark.parametrize(
    "order, expected",
    [
        ("bail_condition", "bail review"),
        ("undertaking", "replace it with a release order"),
        ("probation", "court that made the probation order"),
        ("peace_bond", "Apply to the court"),
        ("restraining_order", "family court"),
    ],
)
def test_how_to_lift_fits_the_order_type(texts, order, expected):
    answer = texts.compose("ask_how_to_lift", "accused", order, may_ask_order_type=True)
    assert expected in answer.bubbles[0].text


def test_unknown_order_type_answers_for_bail_and_asks_once(texts):
    first = texts.compose("ask_how_to_lift", "accused", None, may_ask_order_type=True)
    assert first.order_type_used == "bail_condition"
    assert first.asked_order_type
    assert [b["title"] for b in first.bubbles[-1].buttons][:2] == [
        "Bail condition",
        "Police undertaking",
    ]
    later = texts.compose("ask_how_to_lift", "accused", None, may_ask_order_type=False)
    assert not later.asked_order_type
    assert len(later.bubbles) == 2


def test_order_question_only_where_the_order_type_changes_the_answer(texts):
    answer = texts.compose("ask_mutual_contact", "accused", None, may_ask_order_type=True)
    assert not answer.asked_order_type


def test_contact_answers_carry_the_three_contact_points(texts):
    for topic, role, order, answer in texts.all_answers():
        if not texts.topics[topic].touches_contact:
            continue
        text = joined(answer)
        where = f"{topic} role={role} order={order}"
        # until a judge or justice signs; for an undertaking, a written change with the Crown or a
        # justice (CC s. 502); for a family order, a family court judge
        assert STANDS_UNTIL.search(text), where
        # contact the protected person starts still counts against the person on the order
        assert re.search(r"\b(first|starts?|started)\b", text), where
        assert "friends, family or social media" in text, where


def test_disclaimer_is_added_only_when_asked_for(texts):
    with_it = texts.compose("ask_who_decides", "accused", "bail_condition",
                            may_ask_order_type=False, with_disclaimer=True)  # fmt: skip
    without = texts.compose(
        "ask_who_decides", "accused", "bail_condition", may_ask_order_type=False
    )
    assert "not legal advice" in with_it.bubbles[-1].text
    assert "not legal advice" not in joined(without)


def test_firm_contact_placeholder_is_filled(texts):
    contact = texts.firm_contact("416-555-0100", "https://example.test/book")
    answer = texts.compose("book_consultation", "accused", None, may_ask_order_type=False,
                           firm_contact=contact)  # fmt: skip
    assert "416-555-0100" in answer.bubbles[-1].text
    assert "{firm_contact}" not in joined(answer)
    assert "website" in texts.firm_contact("", "")


def test_role_question_is_asked_once_and_only_where_role_matters(texts):
    assert texts.needs_role_question("ask_victim_drop_order", None, role_asked=False)
    assert not texts.needs_role_question("ask_victim_drop_order", None, role_asked=True)
    assert not texts.needs_role_question("ask_victim_drop_order", "unknown", role_asked=False)
    assert not texts.needs_role_question("ask_victim_drop_order", "accused", role_asked=False)
    assert not texts.needs_role_question("ask_what_is_order", None, role_asked=False)
