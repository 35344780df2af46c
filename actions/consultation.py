"""The consultation form: validators, submitting to the durable outbox, and clearing up.

Only an accused person, a family member or a surety reaches the form (actions/answers.py and
the rules in data/rules/booking.yml); the checks here refuse a protected person again.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import date
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import settings
from bot.content.answers import content
from bot.leads import BOOKABLE_ROLES, validation
from bot.leads.config import destination_from, outbox_for
from bot.leads.delivery import deliver_one

logger = logging.getLogger(__name__)

FORM_SLOTS = [
    "lead_name", "lead_contact", "lead_contact_kind", "lead_message_ok", "lead_time_window",
    "lead_court_date", "lead_courthouse", "lead_consent",
]  # fmt: skip
SKIPPED = "skipped"
WAY_OUT_AFTER = 3


def _firm_contact() -> str:
    config = settings.load()
    return content().firm_contact(config.firm_phone, config.firm_booking_url)


class ValidateConsultationForm(FormValidationAction):
    """Checks each answer; explains a rejection and asks again; offers a way out after three."""

    def name(self) -> str:
        return "validate_consultation_form"

    async def required_slots(
        self, domain_slots: List[str], dispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[str]:
        if tracker.get_slot("role") not in BOOKABLE_ROLES:
            return []  # never ask a protected person (or an unknown writer) for details
        if tracker.get_slot("lead_court_date") == SKIPPED:
            return [s for s in domain_slots if s != "lead_courthouse"]
        return domain_slots

    def _reject(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker,
                key: Optional[str] = None) -> Dict[str, Any]:  # fmt: skip
        texts = content()
        failures = int(tracker.get_slot("lead_failures") or 0) + 1
        dispatcher.utter_message(text=texts.prompts["form_errors"][key or slot])
        if failures >= WAY_OUT_AFTER:
            dispatcher.utter_message(
                text=texts.prompt("form_way_out", firm_contact=_firm_contact()),
                buttons=[{"title": "Stop", "payload": "/stop_form"}],
            )
        return {slot: None, "lead_failures": float(failures)}

    @staticmethod
    def _accept(values: Dict[str, Any]) -> Dict[str, Any]:
        return {**values, "lead_failures": 0.0}

    def validate_lead_name(self, value, dispatcher, tracker, domain):
        if isinstance(value, str) and ("?" in value or len(value.split()) > 5):
            return self._reject("lead_name", dispatcher, tracker, "lead_name_question")
        name = validation.parse_name(value)
        return (
            self._accept({"lead_name": name})
            if name
            else self._reject("lead_name", dispatcher, tracker)
        )

    def validate_lead_contact(self, value, dispatcher, tracker, domain):
        parsed = validation.parse_contact(value)
        if not parsed:
            return self._reject("lead_contact", dispatcher, tracker)
        kind, contact = parsed
        return self._accept({"lead_contact": contact, "lead_contact_kind": kind})

    def validate_lead_message_ok(self, value, dispatcher, tracker, domain):
        answer = validation.parse_yes_no(value)
        if answer is None:
            return self._reject("lead_message_ok", dispatcher, tracker)
        return self._accept({"lead_message_ok": answer})

    def validate_lead_time_window(self, value, dispatcher, tracker, domain):
        window = validation.parse_time_window(value)
        if not window:
            return self._reject("lead_time_window", dispatcher, tracker)
        return self._accept({"lead_time_window": window})

    def validate_lead_court_date(self, value, dispatcher, tracker, domain):
        if validation.is_skip(value):
            return self._accept({"lead_court_date": SKIPPED})
        parsed = validation.parse_court_date(value, date.today())
        if not parsed:
            return self._reject("lead_court_date", dispatcher, tracker)
        return self._accept({"lead_court_date": parsed})

    def validate_lead_courthouse(self, value, dispatcher, tracker, domain):
        if validation.is_skip(value):
            return self._accept({"lead_courthouse": SKIPPED})
        courthouse = validation.parse_courthouse(value)
        if not courthouse:
            return self._reject("lead_courthouse", dispatcher, tracker)
        return self._accept({"lead_courthouse": courthouse})

    def validate_lead_consent(self, value, dispatcher, tracker, domain):
        answer = validation.parse_yes_no(value)
        if answer is None:
            return self._reject("lead_consent", dispatcher, tracker)
        return self._accept({"lead_consent": answer})


def lead_payload(tracker: Tracker) -> Dict[str, Any]:
    """The least the firm needs to call back: no facts of the case, no conversation text."""

    def given(slot: str) -> Optional[str]:
        value = tracker.get_slot(slot)
        return None if value in (None, SKIPPED) else value

    return {
        "name": tracker.get_slot("lead_name"),
        "contact_kind": tracker.get_slot("lead_contact_kind"),
        "contact": tracker.get_slot("lead_contact"),
        "message_ok": bool(tracker.get_slot("lead_message_ok")),
        "time_window": tracker.get_slot("lead_time_window"),
        "court_date": given("lead_court_date"),
        "courthouse": given("lead_courthouse"),
        "role": tracker.get_slot("role"),
        "channel": (tracker.get_latest_input_channel() or "unknown"),
        "consent": True,
    }


def clear_form() -> List[Dict[str, Any]]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("lead_failures", 0.0)]


class ActionSubmitConsultation(Action):
    """Write the request to the outbox first, confirm only then, deliver in the background."""

    def name(self) -> str:
        return "action_submit_consultation"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[str, Any]]:
        texts = content()
        if (
            tracker.get_slot("role") not in BOOKABLE_ROLES
            or tracker.get_slot("lead_consent") is not True
        ):
            dispatcher.utter_message(text=texts.prompt("booking_no_consent"))
            return clear_form()

        config = settings.load()
        lead_id = str(uuid.uuid4())  # also the idempotency key for every delivery attempt
        payload = lead_payload(tracker)
        try:
            outbox = outbox_for(config.outbox_url)
            outbox.add(lead_id, payload)
        except Exception:
            logger.exception("could not store a consultation request")
            dispatcher.utter_message(
                text=texts.prompt("booking_store_failed", firm_contact=_firm_contact())
            )
            return []  # keep the answers so the person can try again

        try:  # deliver now if we can; the worker retries whatever this does not deliver
            destination = destination_from(config)
            asyncio.get_running_loop().run_in_executor(
                None, deliver_one, outbox, destination, lead_id
            )
        except Exception:
            logger.exception("could not start delivery of lead %s; the worker will retry", lead_id)

        channel = "email" if payload["contact_kind"] == "email" else "phone"
        no_message = "" if payload["message_ok"] else texts.prompt("booking_no_message")
        response_time = config.firm_response_time or texts.prompt("booking_default_response_time")
        dispatcher.utter_message(text=texts.prompt("booking_saved", name=payload["name"]))
        dispatcher.utter_message(
            text=texts.prompt(
                "booking_how", channel=channel, no_message=no_message, response_time=response_time
            )  # fmt: skip
            + " "
            + texts.prompt("booking_not_advice")
        )
        return clear_form()


class ActionClearConsultation(Action):
    """Forget half-filled form answers (after stop, or when safety interrupts the form)."""

    def name(self) -> str:
        return "action_clear_consultation"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[str, Any]]:
        return clear_form()


class AskConsultationQuestion(Action):
    """Asks one form question, with its buttons, from bot/content/prompts.yml.

    Rasa calls ``action_ask_consultation_form_<slot>`` for each question; one subclass per slot
    is made below, so the wording stays in the content files, not in code.
    """

    slot = ""

    def name(self) -> str:
        return f"action_ask_consultation_form_{self.slot}"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[str, Any]]:
        question = content().prompts["form_questions"][self.slot]
        dispatcher.utter_message(text=" ".join(question["text"].split()),
                                 buttons=list(question.get("buttons", [])))  # fmt: skip
        return []


QUESTION_SLOTS = [s for s in FORM_SLOTS if s != "lead_contact_kind"]
for _slot in QUESTION_SLOTS:
    _name = "Ask" + "".join(part.title() for part in _slot.split("_"))
    globals()[_name] = type(_name, (AskConsultationQuestion,), {"slot": _slot})
