from bot.conversation import (
    asked_beside_safety,
    consecutive_fallbacks,
    disclaimer_shown,
    likeliest_intents,
    safety_intent_in_doubt,
)


def user(intent):
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def test_consecutive_fallbacks_counts_only_the_latest_run():
    events = [user("nlu_fallback"), user("greet"), {"event": "bot"}, user("nlu_fallback"),
              {"event": "action"}, user("nlu_fallback")]  # fmt: skip
    assert consecutive_fallbacks(events) == 2
    assert consecutive_fallbacks([user("greet")]) == 0
    assert consecutive_fallbacks([]) == 0


def test_likeliest_intents_keeps_order_and_skips_what_cannot_be_offered():
    ranking = [{"name": "nlu_fallback"}, {"name": "greet"}, {"name": "ask_how_to_lift"},
               {"name": "ask_lift_timeline"}, {"name": "ask_who_decides"}]  # fmt: skip
    allowed = {"ask_how_to_lift", "ask_lift_timeline", "ask_who_decides"}
    assert likeliest_intents(ranking, allowed) == ["ask_how_to_lift", "ask_lift_timeline"]


def test_safety_wins_among_the_top_two_guesses():
    ranking = [{"name": "nlu_fallback"}, {"name": "ask_mutual_contact"}, {"name": "report_danger"}]
    assert safety_intent_in_doubt(ranking) == "report_danger"
    ranking = [
        {"name": "ask_mutual_contact"},
        {"name": "ask_how_to_lift"},
        {"name": "report_danger"},
    ]
    assert safety_intent_in_doubt(ranking) is None


def test_disclaimer_shown_reads_bot_texts():
    assert disclaimer_shown([{"event": "bot", "text": "... not legal advice."}])
    assert not disclaimer_shown([{"event": "user", "text": "is this not legal advice?"}])


def test_every_safety_intent_wins_a_tie():
    for intent in (
        "report_danger",
        "report_self_harm",
        "report_pressure",
        "ask_influence_complainant",
    ):
        ranking = [{"name": "nlu_fallback"}, {"name": "ask_how_to_lift"}, {"name": intent}]
        assert safety_intent_in_doubt(ranking) == intent


TOPICS = ["ask_lift_timeline", "ask_mutual_contact", "book_consultation", "request_human"]


def test_the_question_beside_danger_is_the_best_faq_topic_below_the_safety_intent():
    parse = {"intent_ranking": [{"name": "report_danger", "confidence": 1.0},
                                {"name": "ask_lift_timeline", "confidence": 0.5},
                                {"name": "ask_mutual_contact", "confidence": 0.3}]}  # fmt: skip
    assert asked_beside_safety(parse, TOPICS) == "ask_lift_timeline"


def test_nothing_is_offered_beside_danger_when_no_topic_is_likely():
    parse = {"intent_ranking": [{"name": "report_danger", "confidence": 1.0},
                                {"name": "out_of_scope", "confidence": 0.6},
                                {"name": "ask_mutual_contact", "confidence": 0.1}]}  # fmt: skip
    assert asked_beside_safety(parse, TOPICS) is None
    assert asked_beside_safety({}, TOPICS) is None


def test_booking_and_a_handoff_are_never_offered_beside_a_safety_reply():
    parse = {"intent_ranking": [{"name": "report_danger", "confidence": 1.0},
                                {"name": "book_consultation", "confidence": 0.7},
                                {"name": "request_human", "confidence": 0.6}]}  # fmt: skip
    assert asked_beside_safety(parse, TOPICS) is None
