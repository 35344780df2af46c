"""The consultation form's validators and the submit action (real SQLite outbox)."""

from __future__ import annotations

import pytest

from actions.consultation import (
    ActionSubmitConsultation,
    AskConsultationQuestion,
    ValidateConsultationForm,
    lead_payload,
)
from bot.leads.config import outbox_for

FORM = ValidateConsultationForm()


def tracker(tracker_for, **slots):
    return tracker_for("inform", slots={"role": "accused", **slots})


@pytest.mark.parametrize(
    "method, value, expected",
    [
        ("validate_lead_name", "Sam Lee", {"lead_name": "Sam Lee"}),
        (
            "validate_lead_contact",
            "(416) 555-0123",
            {"lead_contact": "+14165550123", "lead_contact_kind": "phone"},
        ),
        (
            "validate_lead_contact",
            "sam@example.ca",
            {"lead_contact": "sam@example.ca", "lead_contact_kind": "email"},
        ),
        ("validate_lead_message_ok", "no", {"lead_message_ok": False}),
        ("validate_lead_time_window", "evenings please", {"lead_time_window": "evening"}),
        ("validate_lead_court_date", "skip", {"lead_court_date": "skipped"}),
        ("validate_lead_courthouse", "Toronto", {"lead_courthouse": "Toronto"}),
        ("validate_lead_consent", "yes", {"lead_consent": True}),
    ],
)
def test_each_validator_accepts_good_answers(dispatcher, tracker_for, method, value, expected):
    result = getattr(FORM, method)(value, dispatcher, tracker(tracker_for), {})
    assert result == {**expected, "lead_failures": 0.0}
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    "method, value, says",
    [
        ("validate_lead_name", "12345", "couldn't use that as a name"),
        ("validate_lead_name", "how long does it take?", "looks like a question"),
        ("validate_lead_contact", "my cell", "10-digit phone number"),
        ("validate_lead_message_ok", "maybe", "yes or no"),
        ("validate_lead_time_window", "tuesday", "morning, afternoon"),
        ("validate_lead_court_date", "last year sometime", "couldn't read that date"),
        ("validate_lead_courthouse", "<script>", "courthouse name"),
        ("validate_lead_consent", "hmm", "may the firm contact you"),
    ],
)
def test_each_validator_explains_a_rejection(dispatcher, tracker_for, method, value, says):
    slot = method.removeprefix("validate_")
    result = getattr(FORM, method)(value, dispatcher, tracker(tracker_for), {})
    assert result[slot] is None and result["lead_failures"] == 1.0
    assert says in dispatcher.messages[0]["text"]


def test_third_failure_offers_a_way_out(dispatcher, tracker_for):
    result = FORM.validate_lead_contact(
        "nope", dispatcher, tracker(tracker_for, lead_failures=2.0), {}
    )
    assert result["lead_failures"] == 3.0
    assert "type stop" in dispatcher.messages[1]["text"]
    assert dispatcher.messages[1]["buttons"][0]["payload"] == "/stop_form"


async def test_required_slots_skip_the_courthouse_and_refuse_the_protected_person(
    dispatcher, tracker_for
):
    slots = ["lead_name", "lead_court_date", "lead_courthouse", "lead_consent"]
    skipped = await FORM.required_slots(
        slots, dispatcher, tracker(tracker_for, lead_court_date="skipped"), {}
    )
    assert "lead_courthouse" not in skipped
    protected = tracker_for("inform", slots={"role": "protected_person"})
    assert await FORM.required_slots(slots, dispatcher, protected, {}) == []


async def test_every_question_has_its_action(dispatcher, tracker_for):
    asks = {cls.slot: cls for cls in AskConsultationQuestion.__subclasses__()}
    assert set(asks) == {"lead_name", "lead_contact", "lead_message_ok", "lead_time_window",
                         "lead_court_date", "lead_courthouse", "lead_consent"}  # fmt: skip
    await asks["lead_consent"]().run(dispatcher, tracker(tracker_for), {})
    assert "Privacy" in dispatcher.messages[0]["text"]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["yes", "no"]


FILLED = {
    "lead_name": "Sam",
    "lead_contact": "+14165550123",
    "lead_contact_kind": "phone",
    "lead_message_ok": False,
    "lead_time_window": "morning",
    "lead_court_date": "skipped",
    "lead_courthouse": None,
    "lead_consent": True,
}


def test_payload_holds_no_facts_and_drops_skipped_answers(tracker_for):
    payload = lead_payload(tracker(tracker_for, **FILLED))
    assert payload["court_date"] is None and payload["contact"] == "+14165550123"
    assert set(payload) == {"name", "contact_kind", "contact", "message_ok", "time_window",
                            "court_date", "courthouse", "role", "channel", "consent"}  # fmt: skip


async def test_submit_stores_before_confirming(dispatcher, tracker_for, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    monkeypatch.setenv("NOC_OUTBOX_URL", url)
    events = await ActionSubmitConsultation().run(dispatcher, tracker(tracker_for, **FILLED), {})
    stored = outbox_for(url).list()
    assert len(stored) == 1 and stored[0].payload["name"] == "Sam"
    said = " ".join(m["text"] for m in dispatcher.messages)
    assert (
        "saved" in said
        and "without leaving a message" in said
        and "does not make the firm your lawyer" in said
    )
    assert {"event": "slot", "timestamp": None, "name": "lead_contact", "value": None} in events


async def test_submit_without_consent_sends_nothing(dispatcher, tracker_for, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    monkeypatch.setenv("NOC_OUTBOX_URL", url)
    await ActionSubmitConsultation().run(
        dispatcher, tracker(tracker_for, **{**FILLED, "lead_consent": False}), {}
    )
    assert outbox_for(url).list() == []
    assert "Nothing was sent" in dispatcher.messages[0]["text"]


async def test_submit_refuses_when_the_store_is_down(dispatcher, tracker_for, monkeypatch):
    monkeypatch.setenv("NOC_OUTBOX_URL", "sqlite:////proc/no-such-dir/outbox.db")
    events = await ActionSubmitConsultation().run(dispatcher, tracker(tracker_for, **FILLED), {})
    assert "couldn't save your request" in dispatcher.messages[0]["text"]
    assert events == []
