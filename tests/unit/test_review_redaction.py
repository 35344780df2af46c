"""The one redaction function, the transcript built from events, and the dashboard charts."""

from __future__ import annotations

import pytest

from bot.review import charts
from bot.review.conversations import summarise, transcript
from bot.review.redact import redact, redact_lead
from tests.support import tracker_events


@pytest.mark.parametrize(
    "text, hidden, shown",
    [
        ("call me at 416-555-0123", "416-555-0123", "[phone]"),
        ("my cell is (647) 555 0199 after 6", "555 0199", "[phone]"),
        ("+1 905 555 0100", "905 555 0100", "[phone]"),
        ("email sam.lee+x@mail.example.ca", "sam.lee", "[email]"),
        ("I live at 12 Queen Street West", "Queen Street", "[address]"),
        ("unit 4, 1200 Bay St. near M5R 2A7", "M5R 2A7", "[postal code]"),
        ("my name is Sam Lee and I'm scared", "Sam Lee", "[name]"),
    ],
)
def test_personal_details_are_hidden(text, hidden, shown):
    out = redact(text)
    assert hidden not in out and shown in out


@pytest.mark.parametrize(
    "text",
    ["court is on 2026-12-03", "it's been 2 years", "section 145 of the Criminal Code",
     "call 911", "Assaulted Women's Helpline 1-866-863-0511 is free"],
)  # fmt: skip
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text  # dates, sections, 911 and toll-free help lines stay readable


def test_form_values_are_hidden_anywhere_even_word_by_word():
    events = tracker_events.booking(0).events
    lines = transcript(events)
    said = " ".join(line.text for line in lines)
    for secret in ("Priya", "Raman", "416-555-0142", "Dundas"):
        assert secret not in said
    assert "[name]" in said and "[contact]" in said
    revealed = " ".join(line.text for line in transcript(events, reveal=True))
    assert "Priya Raman" in revealed and "416-555-0142" in revealed


def test_a_safety_message_given_as_a_form_answer_stays_readable():
    conversation = (
        tracker_events.Conversation(0)
        .slot("requested_slot", "lead_name")
        .user("he's at my door right now", "report_danger")
    )
    (line,) = transcript(conversation.events)
    assert line.text == "he's at my door right now" and line.flag == "danger"


def test_summary_flags_and_topics():
    booking = summarise("a", tracker_events.booking(0).events)
    assert booking.role == "accused" and booking.topics == ["victim_drop_order"]
    assert {"booking", "handoff"} <= booking.flags and "fallback" not in booking.flags
    assert summarise("b", tracker_events.danger(0).events).flags == {"danger"}
    assert "fallback" in summarise("c", tracker_events.not_understood(0).events).flags
    assert summarise("d", tracker_events.Conversation(0).events) is None  # nobody wrote


def test_lead_redaction_hides_the_personal_fields_only():
    lead = {"name": "Sam", "contact": "+14165550123", "role": "accused", "court_date": None}
    assert redact_lead(lead) == {"name": "[hidden]", "contact": "[hidden]", "role": "accused",
                                 "court_date": None}  # fmt: skip


def test_charts_escape_labels_and_describe_their_numbers():
    svg = charts.horizontal_bars("Topics", [("<script>x</script>", 3), ("b&c", 1)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "b&amp;c" in svg
    assert "<title>Topics</title>" in svg and "<desc>" in svg and ": 3" in svg
    assert "No data yet." in charts.horizontal_bars("Empty", [])


def test_figures_count_per_day_channel_flag_and_fallback_rate():
    rows = [
        {"day": "2026-11-25", "channel": "twilio", "topics": ["a"], "flags": ["danger"]},
        {"day": "2026-11-25", "channel": "socketio", "topics": ["a", "b"], "flags": ["fallback"]},
        {"day": "2026-11-26", "channel": "socketio", "topics": [], "flags": []},
    ]
    data = charts.figures(rows)
    assert data["per_day"]["2026-11-25"] == {"twilio": 1, "socketio": 1}
    assert data["topics"][0] == ("a", 2)
    assert ("Danger", 1) in data["flags"]
    assert data["fallback_rate"] == [("2026-11-25", 0.5), ("2026-11-26", 0.0)]
