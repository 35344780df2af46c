"""SMS and WhatsApp through Twilio Messaging, with every request's signature checked.

Rasa's own Twilio channel accepts any POST, so anyone could write into a conversation as any
phone number. This channel:

- checks ``X-Twilio-Signature`` with the twilio library's ``RequestValidator`` against the auth
  token and the public webhook address Twilio was given (behind a proxy the address Rasa sees is
  not the one Twilio signed), and answers 403 to anything unsigned or mis-signed;
- keys the conversation on an HMAC of the phone number, never the number itself, so the tracker
  store holds no phone number unless the person types one (to book, for example);
- replies with TwiML in the webhook response. The reply goes to the number in the request while
  we still hold it in memory, so no phone number has to be kept to answer later, and only the
  auth token is needed (no API credentials that could send messages to anyone);
- turns buttons into numbered options and understands the number texted back, splits long
  answers into SMS-sized parts, adds a privacy notice to the first reply of a conversation, and
  handles STOP and HELP.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import parse_qs

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels import inbound, sms_replies
from bot.faults import trouble_text
from bot.nlu.safety_intents import SAFETY_INTENTS
from bot.settings import DEFAULT_MAX_MESSAGE_CHARS

logger = logging.getLogger(__name__)

# Twilio's own opt-out, opt-in and help keywords (a whole message, any case). Twilio blocks
# further messages after an opt-out, so the bot must not answer one.
STOP_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"}
START_WORDS = {"start", "unstop"}
HELP_WORDS = {"help", "info"}
DEFAULT_PART_CHARS = 320  # two SMS segments; phones join them into one message


def keyword(body: str) -> Optional[str]:
    word = "".join(ch for ch in (body or "").strip().lower() if ch.isalnum())
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        return "start"
    if word in HELP_WORDS:
        return "help"
    return None


def sender_key(address: str, secret: str) -> str:
    """A stable conversation id for a phone number that does not reveal it: "sms-<HMAC>"."""
    kind = "whatsapp" if address.startswith("whatsapp:") else "sms"
    number = address.split(":", 1)[1] if address.startswith("whatsapp:") else address
    digest = hmac.new(secret.encode(), number.strip().encode(), hashlib.sha256).hexdigest()
    return f"{kind}-{digest[:32]}"


def form_params(request: Request) -> RequestParameters:
    """The POSTed form, empty values kept. Sanic's `request.form` drops them, but Twilio signs
    them: a photo arrives with an empty Body, and without it the signature would not match."""
    if request.content_type.split(";")[0].strip() != "application/x-www-form-urlencoded":
        return RequestParameters()
    body = request.body.decode("utf-8", errors="replace")
    return RequestParameters(parse_qs(body, keep_blank_values=True))


def twiml(parts: List[str]) -> HTTPResponse:
    reply = MessagingResponse()
    for part in parts:
        reply.message(part)
    return response.text(str(reply), content_type="application/xml; charset=utf-8")


def offered_buttons(tracker) -> List[Dict[str, str]]:
    """The buttons the bot offered since the person's last message, numbered as they saw them."""
    if tracker is None:
        return []
    bot_messages: List[Dict[str, Any]] = []
    for event in reversed(tracker.events):
        if event.type_name == "user":
            break
        if event.type_name == "bot":
            bot_messages.insert(0, event.data or {})
    return sms_replies.buttons_of(bot_messages)


def is_first_turn(tracker) -> bool:
    """The message just handled was the person's first in the current session."""
    if tracker is None:
        return True
    messages = 0
    for event in reversed(tracker.events):
        if event.type_name == "user":
            messages += 1
        elif event.type_name == "session_started":
            break
    return messages <= 1


class TwilioMessagingInput(InputChannel):
    """Twilio Messaging webhook at /webhooks/twilio/webhook."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(
            auth_token=str(credentials.get("auth_token") or ""),
            public_url=str(credentials.get("public_url") or ""),
            sender_hash_key=str(credentials.get("sender_hash_key") or ""),
            part_chars=int(credentials.get("part_chars") or DEFAULT_PART_CHARS),
            max_message_chars=int(
                credentials.get("max_message_chars") or DEFAULT_MAX_MESSAGE_CHARS
            ),
        )

    def __init__(
        self,
        auth_token: str,
        public_url: str,
        sender_hash_key: str,
        part_chars: int,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
    ) -> None:
        if auth_token and not sender_hash_key:
            raise ValueError(
                "The Twilio channel needs NOC_SENDER_HASH_KEY (a long random secret) to key "
                "conversations without storing phone numbers."
            )
        if auth_token and not public_url.startswith(("https://", "http://")):
            raise ValueError("The Twilio channel needs NOC_TWILIO_PUBLIC_URL, the webhook address")
        if part_chars < 70:
            raise ValueError("NOC_SMS_PART_CHARS must be at least 70")
        self.validator = RequestValidator(auth_token) if auth_token else None
        self.public_url = public_url
        self.sender_hash_key = sender_hash_key
        self.part_chars = part_chars
        self.max_message_chars = max_message_chars
        if self.validator is None:
            logger.warning("Twilio channel: no NOC_TWILIO_AUTH_TOKEN, every request is refused")

    def signed_url(self, request: Request) -> str:
        query = request.query_string
        return f"{self.public_url}?{query}" if query else self.public_url

    def is_genuine(self, request: Request, params: RequestParameters) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        if self.validator is None or not signature:
            return False
        return self.validator.validate(self.signed_url(request), params, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("twilio_messaging_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            params = form_params(request)
            if not self.is_genuine(request, params):
                # Nothing from the request is logged: it may not even come from Twilio.
                logger.warning("Twilio channel: refused a request without a valid signature")
                return response.text("Forbidden: invalid Twilio signature.\n", status=403)
            address = params.get("From") or ""
            if not address:
                return response.text("Bad request: no From.\n", status=400)
            return await self.answer(request, address, params.get("Body") or "", on_new_message)

        return webhook

    async def answer(
        self,
        request: Request,
        address: str,
        body: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> HTTPResponse:
        kind = "whatsapp" if address.startswith("whatsapp:") else "sms"
        said = keyword(body)
        if said == "stop":
            logger.info("Twilio channel: %s opt-out; not answering", kind)
            return twiml([])
        if said == "help":
            return twiml(sms_replies.split_parts(sms_replies.help_text(), self.part_chars))
        if not body.strip():
            # A photo, a sticker or an empty text: nothing for the assistant to read. Media is
            # never fetched, so nothing the person sent is kept.
            return twiml([sms_replies.empty_text()])

        checked = inbound.check(body, self.max_message_chars)
        if checked.reply is not None:
            return twiml(sms_replies.split_parts(checked.reply, self.part_chars))
        body = checked.text
        sender_id = sender_key(address, self.sender_hash_key)
        tracker_store = request.app.ctx.agent.tracker_store
        before = await tracker_store.retrieve(sender_id)
        text = sms_replies.choice_payload(body, offered_buttons(before)) or body
        if said == "start":
            text = "/greet"

        collector = CollectingOutputChannel()
        try:
            await on_new_message(
                UserMessage(text, collector, sender_id, input_channel=self.name(),
                            metadata={"sms_channel": kind})
            )  # fmt: skip
        except Exception as error:  # noqa: BLE001 - the person must still get an answer
            logger.error("Twilio channel: handling a message failed (%s)", type(error).__name__)
            return twiml(sms_replies.split_parts(trouble_text(), self.part_chars))
        after = await tracker_store.retrieve(sender_id)
        intent = ((after.latest_message.intent or {}).get("name")) if after else None
        parts = sms_replies.reply_parts(
            collector.messages,
            kind,
            self.part_chars,
            first_turn=is_first_turn(after),
            safety_first=intent in SAFETY_INTENTS,
        )
        return twiml(parts)
