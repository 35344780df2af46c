"""The custom actions, driven with rasa-sdk trackers built per test."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.answers import ActionAnswerQuestion
from actions.clarify import ActionClarify
from actions.sources import ActionShowSources, source_lines
from bot.content.answers import content


def slots_set(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def payloads(messages):
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


async def run(action, dispatcher, tracker):
    return await action.run(dispatcher, tracker, {})


async def test_unknown_role_gets_one_question_with_buttons(dispatcher, tracker_for):
    events = await run(ActionAnswerQuestion(), dispatcher, tracker_for("ask_victim_drop_order"))
    assert len(dispatcher.messages) == 1
    assert '/inform_role{"role":"protected_person"}' in payloads(dispatcher.messages)
    assert slots_set(events) == {"role_asked": True, "pending_topic": "ask_victim_drop_order"}


async def test_role_answer_releases_the_waiting_question(dispatcher, tracker_for):
    tracker = tracker_for(
        "inform_role",
        slots={"role": "accused", "role_asked": True, "pending_topic": "ask_victim_drop_order"},
    )
    events = await run(ActionAnswerQuestion(), dispatcher, tracker)
    texts = [m["text"] for m in dispatcher.messages]
    assert texts[0].startswith("No.")
    assert any("Do not answer any contact" in t for t in texts)
    assert slots_set(events)["last_topic"] == "ask_victim_drop_order"
    assert slots_set(events)["pending_topic"] is None
    assert "CC 519.1" in slots_set(events)["last_sources"]


async def test_role_not_asked_twice(dispatcher, tracker_for):
    tracker = tracker_for("ask_how_to_lift", slots={"role_asked": True})
    await run(ActionAnswerQuestion(), dispatcher, tracker)
    assert "bail review" in dispatcher.messages[0]["text"]


async def test_protected_person_gets_no_booking_and_the_crown_route(dispatcher, tracker_for):
    tracker = tracker_for("book_consultation", slots={"role": "protected_person"})
    await run(ActionAnswerQuestion(), dispatcher, tracker)
    said = " ".join(m["text"] or "" for m in dispatcher.messages)
    assert dispatcher.messages[0]["response"] == "utter_complainant_guard"
    assert "acts only for people who are accused" in said
    assert "/book_consultation" not in payloads(dispatcher.messages)
    assert "1-888-579-2888" in said


async def test_order_type_question_comes_once(dispatcher, tracker_for):
    tracker = tracker_for("ask_breach_consequences", slots={"role": "accused"})
    events = await run(ActionAnswerQuestion(), dispatcher, tracker)
    assert '/inform_order_type{"order_type":"peace_bond"}' in payloads(dispatcher.messages)
    assert slots_set(events)["order_type_asked"] is True

    dispatcher.messages.clear()
    tracker = tracker_for(
        "ask_breach_consequences", slots={"role": "accused", "order_type_asked": True}
    )
    events = await run(ActionAnswerQuestion(), dispatcher, tracker)
    assert not any("inform_order_type" in p for p in payloads(dispatcher.messages))
    assert "order_type_asked" not in slots_set(events)


async def test_picking_an_order_type_answers_the_last_topic_again(dispatcher, tracker_for):
    tracker = tracker_for(
        "inform_order_type",
        slots={
            "role": "accused",
            "order_type": "probation",
            "last_topic": "ask_breach_consequences",
        },
    )
    await run(ActionAnswerQuestion(), dispatcher, tracker)
    assert "up to 4 years" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize("intent, slot", [("inform_role", "role_asked"),
                                          ("inform_order_type", "order_type_asked")])  # fmt: skip
async def test_nothing_waiting_gets_a_thank_you(dispatcher, tracker_for, intent, slot):
    events = await run(ActionAnswerQuestion(), dispatcher,
                       tracker_for(intent, slots={"role": "surety", "order_type": "peace_bond"}))  # fmt: skip
    assert dispatcher.messages[0]["text"].startswith("Thanks")
    assert events == [SlotSet(slot, True)]


async def test_disclaimer_once_per_conversation(dispatcher, tracker_for):
    tracker = tracker_for("ask_who_decides", slots={"order_type": "bail_condition"})
    await run(ActionAnswerQuestion(), dispatcher, tracker)
    assert "not legal advice" in dispatcher.messages[-1]["text"]

    dispatcher.messages.clear()
    earlier = [
        {"event": "bot", "text": "Hi. ... not legal advice. If you are in danger, call 911."}
    ]
    tracker = tracker_for("ask_who_decides", slots={"order_type": "bail_condition"}, events=earlier)
    await run(ActionAnswerQuestion(), dispatcher, tracker)
    assert all("not legal advice" not in m["text"] for m in dispatcher.messages)


async def test_firm_contact_comes_from_the_environment(dispatcher, tracker_for, monkeypatch):
    monkeypatch.setenv("NOC_FIRM_PHONE", "416-555-0199")
    await run(
        ActionAnswerQuestion(),
        dispatcher,
        tracker_for("request_human", slots={"role": "accused"}),
    )
    assert "416-555-0199" in dispatcher.messages[0]["text"]


RANKING = [
    {"name": "nlu_fallback", "confidence": 0.45},
    {"name": "ask_how_to_lift", "confidence": 0.40},
    {"name": "greet", "confidence": 0.2},
    {"name": "ask_lift_timeline", "confidence": 0.15},
]


async def test_clarify_offers_the_two_likeliest_topics(dispatcher, tracker_for):
    await run(ActionClarify(), dispatcher, tracker_for("nlu_fallback", ranking=RANKING))
    assert payloads(dispatcher.messages) == [
        "/ask_how_to_lift",
        "/ask_lift_timeline",
        "/out_of_scope",
    ]


async def test_second_miss_in_a_row_offers_other_help(dispatcher, tracker_for):
    before = [{"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    await run(
        ActionClarify(), dispatcher, tracker_for("nlu_fallback", ranking=RANKING, events=before)
    )
    assert "911" in dispatcher.messages[0]["text"]
    assert payloads(dispatcher.messages) == ["/book_consultation"]


async def test_unclear_message_that_may_be_danger_gets_the_danger_reply(dispatcher, tracker_for):
    ranking = [{"name": "nlu_fallback"}, {"name": "report_danger"}, {"name": "ask_mutual_contact"}]
    await run(ActionClarify(), dispatcher, tracker_for("nlu_fallback", ranking=ranking))
    assert [m["response"] for m in dispatcher.messages][0] == "utter_danger_911"


async def test_sources_of_the_last_answer(dispatcher, tracker_for):
    tracker = tracker_for("ask_sources", slots={"last_topic": "ask_how_to_lift",
                                                "last_sources": ["CC 519.1", "R2"]})  # fmt: skip
    await run(ActionShowSources(), dispatcher, tracker)
    assert "Criminal Code s. 519.1" in dispatcher.messages[0]["text"]
    assert "stepstojustice.ca" in dispatcher.messages[0]["text"]
    reviewed = content().topics["ask_how_to_lift"].reviewed
    assert f"Last reviewed by the firm on {reviewed}" in dispatcher.messages[1]["text"]


async def test_sources_before_any_answer(dispatcher, tracker_for):
    await run(ActionShowSources(), dispatcher, tracker_for("ask_sources"))
    assert "Criminal Code" in dispatcher.messages[0]["text"]


def test_source_lines_skip_unknown_tags():
    catalogue = {"A": {"title": "T", "url": "https://x"}}
    assert source_lines(["A", "nope"], catalogue) == ["- T: https://x"]


async def test_core_fallback_is_safe_and_reverts_the_turn(dispatcher, tracker_for):
    from actions.clarify import ActionDefaultFallback

    events = await run(ActionDefaultFallback(), dispatcher, tracker_for("greet"))
    assert "911" in dispatcher.messages[0]["text"]
    assert events == [{"event": "rewind", "timestamp": None}]


async def test_complainant_guard_comes_first_once(dispatcher, tracker_for):
    tracker = tracker_for("ask_victim_drop_order", slots={"role": "protected_person"})
    events = await run(ActionAnswerQuestion(), dispatcher, tracker)
    assert dispatcher.messages[0]["response"] == "utter_complainant_guard"
    assert len(dispatcher.messages) <= 3
    assert slots_set(events)["guard_given"] is True
    assert "order_type_asked" not in slots_set(events)

    dispatcher.messages.clear()
    tracker = tracker_for(
        "ask_victim_drop_order", slots={"role": "protected_person", "guard_given": True}
    )
    await run(ActionAnswerQuestion(), dispatcher, tracker)
    assert all(m.get("response") != "utter_complainant_guard" for m in dispatcher.messages)


async def test_saying_you_are_the_protected_person_gets_guard_and_independent_help(
    dispatcher, tracker_for
):
    await run(
        ActionAnswerQuestion(),
        dispatcher,
        tracker_for("inform_role", slots={"role": "protected_person"}),
    )
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_complainant_guard",
        "utter_complainant_help",
    ]


@pytest.mark.parametrize("role", ["accused", "family_member", "surety"])
async def test_booking_after_the_role_question_offers_the_form(dispatcher, tracker_for, role):
    tracker = tracker_for("inform_role", slots={"role": role, "pending_topic": "book_consultation"})
    await run(ActionAnswerQuestion(), dispatcher, tracker)
    assert "request for a consultation" in dispatcher.messages[0]["text"]
    assert "/book_consultation" in payloads(dispatcher.messages)


async def test_booking_never_opens_the_form_for_a_protected_person(dispatcher, tracker_for):
    events = await run(
        ActionAnswerQuestion(),
        dispatcher,
        tracker_for("book_consultation", slots={"role": "protected_person"}),
    )
    assert all(e.get("event") != "followup" for e in events)


async def test_unclear_message_that_may_be_self_harm_gets_988(dispatcher, tracker_for):
    ranking = [{"name": "nlu_fallback"}, {"name": "ask_lawyer_help"}, {"name": "report_self_harm"}]
    await run(ActionClarify(), dispatcher, tracker_for("nlu_fallback", ranking=ranking))
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_self_harm",
        "utter_self_harm_more",
    ]


# --- who is writing, and questions that are not about that ----------------------------------

YES_LIKE = ("yes", "yeah", "sure", "ok", "okay", "that's fine", "fine", "of course", "you can")


async def test_a_role_message_with_no_role_in_it_asks_instead_of_saying_fine(
    dispatcher, tracker_for
):
    # "is she allowed to text me" once came out as inform_role with no role: the reply was
    # "That's fine. I'll give general answers.", which reads as permission.
    tracker = tracker_for("inform_role", text="is she allowed to text me")
    events = await run(ActionAnswerQuestion(), dispatcher, tracker)
    said = dispatcher.messages[0]["text"]
    assert "who are you in this case" in said
    assert not said.lower().startswith(YES_LIKE)
    assert '/inform_role{"role":"accused"}' in payloads(dispatcher.messages)
    assert slots_set(events) == {"role_asked": True}


@pytest.mark.parametrize(
    "role", ["accused", "protected_person", "family_member", "surety", "unknown"]
)
async def test_no_role_reply_opens_with_words_that_read_as_yes(dispatcher, tracker_for, role):
    tracker = tracker_for("inform_role", slots={"role": role, "guard_given": True})
    await run(ActionAnswerQuestion(), dispatcher, tracker)
    assert not dispatcher.messages[0]["text"].lower().startswith(YES_LIKE)


# --- two questions in one message ---------------------------------------------------------------


async def test_second_question_is_offered_as_a_button_after_the_first_answer(
    dispatcher, tracker_for
):
    second = {"name": "ask_lawyer_help", "confidence": 0.8, "text": "do i need a lawyer?"}
    tracker = tracker_for(
        "ask_lift_timeline",
        slots={"role": "accused", "order_type": "bail_condition"},
        parse_extra={"question_focus": {"focus": "how long does it take?", "second": second}},
    )
    await run(ActionAnswerQuestion(), dispatcher, tracker)
    assert "no set time" in dispatcher.messages[0]["text"]
    last = dispatcher.messages[-1]
    assert "also asked" in last["text"]
    assert last["buttons"] == [{"title": "Do I need a lawyer?", "payload": "/ask_lawyer_help"}]


async def test_no_second_button_when_the_second_question_is_the_same_topic(dispatcher, tracker_for):
    same = {"name": "ask_lift_timeline", "confidence": 0.8, "text": "how many weeks?"}
    tracker = tracker_for(
        "ask_lift_timeline",
        slots={"role": "accused", "order_type": "bail_condition"},
        parse_extra={"question_focus": {"focus": "message", "second": same}},
    )
    await run(ActionAnswerQuestion(), dispatcher, tracker)
    assert not any("also asked" in (m["text"] or "") for m in dispatcher.messages)


async def test_danger_that_also_asked_a_question_offers_it_after_the_safety_reply(
    dispatcher, tracker_for
):
    from actions.safety_follow_up import ActionOfferAskedQuestion

    ranking = [{"name": "report_danger", "confidence": 1.0},
               {"name": "ask_lift_timeline", "confidence": 0.62}]  # fmt: skip
    await run(ActionOfferAskedQuestion(), dispatcher, tracker_for("report_danger", ranking=ranking))
    assert dispatcher.messages[0]["text"] == "When you are safe, I can answer what you asked:"
    assert payloads(dispatcher.messages) == ["/ask_lift_timeline"]


async def test_danger_alone_gets_no_offer(dispatcher, tracker_for):
    from actions.safety_follow_up import ActionOfferAskedQuestion

    ranking = [{"name": "report_danger", "confidence": 0.93},
               {"name": "ask_mutual_contact", "confidence": 0.04}]  # fmt: skip
    await run(ActionOfferAskedQuestion(), dispatcher, tracker_for("report_danger", ranking=ranking))
    assert dispatcher.messages == []
