"""Rasa's socket.io channel, with the browser origins that may connect limited to the firm's site.

Rasa 3.6 creates its socket.io server with ``cors_allowed_origins=[]``, which turns the origin
check off: any website could open a socket to the assistant and talk through it, and WebSocket
connections are not covered by the browser's CORS rules at all. This subclass keeps everything
else of Rasa's channel (session persistence, the event names, metadata) and only switches the
origin check back on with the configured list.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint


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
        if not origins:
            raise ValueError(
                "The socket.io channel needs allowed_origins in credentials.yml "
                "(NOC_WIDGET_ORIGINS): the website addresses that may open the chat."
            )
        channel = super().from_credentials(credentials)
        channel.allowed_origins = origins
        return channel

    allowed_origins: List[str] = []

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        # Engine.IO reads this list on every request: a handshake or upgrade whose Origin header
        # is not in it gets HTTP 400, and allowed origins get their CORS headers.
        self.sio.eio.cors_allowed_origins = list(self.allowed_origins)
        # The widget sends no cookies; do not invite browsers to send any.
        self.sio.eio.cors_credentials = False
        return blueprint
