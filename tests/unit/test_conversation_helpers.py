from bot.conversation import (
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
