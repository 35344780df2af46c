"""Rasa's socket.io channel, with the browser origins that may connect limited to the firm's site.

Rasa 3.6 creates its socket.io server with ``cors_allowed_origins=[]``, which turns the origin
check off: any website could open a socket to the assistant and talk through it, and WebSocket
connections are not covered by the browser's CORS rules at all. This subclass keeps everything
else of Rasa's channel (session persistence, the event names, metadata) and only switches the
origin check back on with the configured list.

It also checks what arrives: Rasa's handlers call `.get` on whatever a client sends and take
any session id, so a malformed event raises inside the server. Here `session_request` and
`user_uttered` are replaced by handlers that accept only an object with a session id of
16 to 64 letters, digits, - or _ that this connection asked for, and send the person's text through the same check as every
channel (bot/channels/inbound.py). Engine.IO refuses packets over NOC_MAX_REQUEST_BYTES.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels import inbound
from bot.faults import trouble_text
from bot.settings import DEFAULT_MAX_MESSAGE_CHARS, DEFAULT_MAX_REQUEST_BYTES

logger = logging.getLogger(__name__)
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def valid_session_id(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and SESSION_ID.match(value) else None


def metadata_of(value: Any) -> Optional[Dict[str, Any]]:
    """Rasa accepts metadata as an object or as a JSON string; anything else is dropped."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def parse_origins(value: Any) -> List[str]:
    """Origins from credentials.yml: a list, or one string separated by spaces or commas."""
    if value is None:
        return []
    items: Iterable[str] = (
        value if isinstance(value, list) else str(value).replace(",", " ").split()
    )
    return [item.strip().rstrip("/").lower() for item in items if item and item.strip()]


class OriginCheckedSocketIOInput(SocketIOInput):
    """The socket.io channel, refusing connections from pages outside ``allowed_origins``."""

    @classmethod
    def name(cls) -> str:
        # Same name as Rasa's channel, so trackers and staff views say "socketio".
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = dict(credentials or {})
        origins = parse_origins(credentials.pop("allowed_origins", None))
        max_chars = int(credentials.pop("max_message_chars", None) or DEFAULT_MAX_MESSAGE_CHARS)
        max_bytes = int(credentials.pop("max_request_bytes", None) or DEFAULT_MAX_REQUEST_BYTES)
        if not origins:
            raise ValueError(
                "The socket.io channel needs allowed_origins in credentials.yml "
                "(NOC_WIDGET_ORIGINS): the website addresses that may open the chat."
            )
        channel = super().from_credentials(credentials)
        channel.allowed_origins = origins
        channel.max_message_chars, channel.max_request_bytes = max_chars, max_bytes
        return channel

    allowed_origins: List[str] = []
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        # Engine.IO reads this list on every request: a handshake or upgrade whose Origin header
        # is not in it gets HTTP 400, and allowed origins get their CORS headers.
        self.sio.eio.cors_allowed_origins = list(self.allowed_origins)
        # The widget sends no cookies; do not invite browsers to send any.
        self.sio.eio.cors_credentials = False
        self.sio.eio.max_http_buffer_size = self.max_request_bytes
        self.sio.on("session_request", self._session_request, namespace=self.namespace)
        self.sio.on(
            self.user_message_evt, self._message_handler(on_new_message), namespace=self.namespace
        )
        return blueprint

    async def _session_request(self, sid: str, data: Any) -> None:
        session_id = valid_session_id(data.get("session_id") if isinstance(data, dict) else None)
        session_id = session_id or uuid.uuid4().hex
        if self.session_persistence:
            self.sio.enter_room(sid, session_id)
        await self.sio.emit("session_confirm", session_id, room=sid)

    def _message_handler(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]):
        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                logger.warning("socket.io channel: ignored a message that is not an object")
                return
            if self.session_persistence:
                sender_id = valid_session_id(data.get("session_id"))
                # Only the session this connection asked for: knowing another visitor's session
                # id must not let anyone write into that conversation (Rasa does not check).
                joined = self.sio.rooms(sid, namespace=self.namespace) if sender_id else []
                if sender_id is None or sender_id not in joined:
                    logger.warning("socket.io channel: ignored a message without a valid session")
                    return
            else:
                sender_id = sid
            output = SocketIOOutput(self.sio, self.bot_message_evt)
            checked = inbound.check(data.get("message"), self.max_message_chars)
            if checked.reply is not None:
                await output.send_text_message(sender_id, checked.reply)
                return
            message = UserMessage(checked.text, output, sender_id, input_channel=self.name(),
                                  metadata=metadata_of(data.get(self.metadata_key)))  # fmt: skip
            try:
                await on_new_message(message)
            except Exception as error:  # noqa: BLE001 - the person must still get an answer
                logger.error("socket.io channel: handling a message failed (%s)",
                             type(error).__name__)  # fmt: skip
                await output.send_text_message(sender_id, trouble_text())

        return handle_message
