"""Rasa's REST channel, with its input checked before anything reaches the assistant.

Rasa 3.6's RestInput reads `request.json` and calls `.get` on it: a body that is not JSON, not
an object, not UTF-8, or has a sender that is not a string ends in a 500 and a traceback in the
log. This channel keeps Rasa's address (/webhooks/rest/webhook), request and response format
(`{"sender", "message", "metadata"}` in, a list of bot messages out), and answers bad requests
with a 4xx and a one-line reason instead. The message itself goes through the same check as on
every channel (bot/channels/inbound.py): an empty or over-long message gets a polite reply.
Rasa's streaming mode (`?stream=true`) is not offered; nothing here uses it.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import inbound
from bot.faults import trouble_text
from bot.settings import DEFAULT_MAX_MESSAGE_CHARS

logger = logging.getLogger(__name__)

# A conversation id: what Rasa's own clients, our tests and other systems send; no spaces,
# no control characters, not so long that it bloats every stored event.
SENDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@+-]{0,127}$")


class BadRequest(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def parse_body(content_type: str, body: bytes) -> Tuple[str, Any, Optional[Dict[str, Any]]]:
    """(sender, message, metadata) from a REST request, or BadRequest saying what is wrong."""
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise BadRequest(415, "Send JSON: Content-Type must be application/json.")
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest(400, "The body is not valid UTF-8.") from None
    except ValueError:
        raise BadRequest(400, "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadRequest(400, 'The body must be a JSON object: {"sender": ..., "message": ...}.')
    sender = data.get("sender")
    if not isinstance(sender, str) or not SENDER_ID.match(sender):
        raise BadRequest(
            400, "sender must be a conversation id: 1 to 128 letters, digits or _.:@+-"
        )
    if "message" not in data:
        raise BadRequest(400, "message is missing.")
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest(400, "metadata must be a JSON object.")
    return sender, data["message"], metadata


class CheckedRestInput(InputChannel):
    """POST /webhooks/rest/webhook, as Rasa's REST channel, with its input checked."""

    @classmethod
    def name(cls) -> str:
        return "rest"  # Rasa's name: same address, and trackers still say "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(int(credentials.get("max_message_chars") or DEFAULT_MAX_MESSAGE_CHARS))

    def __init__(self, max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS) -> None:
        self.max_message_chars = max_message_chars

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("checked_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, message, metadata = parse_body(request.content_type, request.body)
            except BadRequest as bad:
                # The reason only: the body may hold a person's words.
                logger.info("REST channel: refused a request (%s): %s", bad.status, bad.reason)
                return response.json({"error": bad.reason}, status=bad.status)
            checked = inbound.check(message, self.max_message_chars)
            if checked.reply is not None:
                return response.json([{"recipient_id": sender, "text": checked.reply}])
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(checked.text, collector, sender, input_channel=self.name(),
                                metadata=metadata)
                )  # fmt: skip
            except Exception as error:  # noqa: BLE001 - the person must still get an answer
                logger.error("REST channel: handling a message failed (%s)", type(error).__name__)
                collector.messages.append({"recipient_id": sender, "text": trouble_text()})
            return response.json(collector.messages)

        return webhook
