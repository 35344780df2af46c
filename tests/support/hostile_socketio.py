"""A real socket.io server on loopback that answers every message with hostile bot messages.

It stands in for a compromised or mis-edited bot, so the browser test can check that the widget
shows whatever arrives as inert text. It speaks the same protocol as Rasa's channel
(session_request, session_confirm, user_uttered, bot_uttered) through python-socketio.
"""

from __future__ import annotations

import asyncio
import threading
from typing import List

import socketio
from aiohttp import web

HOSTILE_MESSAGES = [
    {"text": '<img src=x onerror="window.__pwned = 1">'},
    {"text": "<script>window.__pwned = 2</script> and <b>bold</b>"},
    {"text": "Click javascript:window.__pwned=3 or https://example.org/a?b=<i>c</i>."},
    {
        "text": "Pick one",
        "quick_replies": [
            {"title": '<img src=x onerror="window.__pwned = 4">', "payload": "/greet"},
            {"title": "Plain choice", "payload": "/greet"},
        ],
    },
    {"attachment": {"type": "image", "payload": {"src": "javascript:window.__pwned=5"}}},
    {"attachment": {"type": "image", "payload": {"src": "https://example.org/x.png"}}},
]


class HostileSocketIO:
    def __init__(self, port: int, allowed_origins: List[str]) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=allowed_origins)
        self.received: List[str] = []
        self.ready = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)

        @self.sio.on("session_request")
        async def session_request(sid, data):
            await self.sio.emit("session_confirm", "hostile-session", room=sid)

        @self.sio.on("user_uttered")
        async def user_uttered(sid, data):
            self.received.append(data.get("message", ""))
            if data.get("message") == "take your time":
                await asyncio.sleep(1.5)  # long enough for a test to see the typing indicator
            for message in HOSTILE_MESSAGES:
                await self.sio.emit("bot_uttered", message, room=sid)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        self.sio.attach(app)
        # Open long-poll requests must not hold up the test's end.
        self.runner = web.AppRunner(app, shutdown_timeout=1.0)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        self.loop.run_until_complete(site.start())
        self.ready.set()
        self.loop.run_forever()

    def __enter__(self) -> HostileSocketIO:
        self.thread.start()
        if not self.ready.wait(10):
            raise RuntimeError("the hostile socket.io server did not start")
        return self

    def __exit__(self, *exc) -> None:
        future = asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop)
        future.result(20)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
