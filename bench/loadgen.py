"""The project's own load generator: realistic multi-turn conversations over REST and socket.io.

Loopback only, and bounded twice: each level stops after its number of conversations or its
time limit, whichever comes first. Every message's latency is kept, so the report can give
percentiles; an error is any non-200 answer, an empty answer, a timeout or a lost reply.
"""

from __future__ import annotations

import asyncio
import math
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import List, Optional, Sequence
from urllib.parse import urlsplit

import aiohttp
import socketio

# What people write, turn by turn (button answers as the widget sends them).
SCRIPTS: List[List[str]] = [
    ["hi", "can my girlfriend drop the no contact order?", '/inform_role{"role":"accused"}',
     "how long does it take to change it?", "where does that come from?"],
    ["my son has a no contact order, what happens if he breaks it?",
     "can he see his kids?", "who decides if it changes?"],
    ["i'm the victim and i want the order dropped", "how do i tell the crown what i want?",
     "thanks"],
    ["what is a peace bond", "can it be changed so we can talk?", "do i need a lawyer?"],
    ["he's parked outside my place again", "what is a no contact order?"],
]  # fmt: skip
TURN_TIMEOUT_S = 30
SOCKET_QUIET_S = 0.25  # a socket.io turn ends when no more bot messages come for this long


def nearest_rank(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile: a value that was really measured, never an interpolation."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(p / 100 * len(ordered)))) - 1]


@dataclass
class LevelResult:
    system: str
    channel: str
    concurrency: int
    think_s: float = 0.0
    latencies_ms: List[float] = field(default_factory=list)
    errors: int = 0
    conversations: int = 0
    wall_s: float = 0.0

    @property
    def messages(self) -> int:
        return len(self.latencies_ms) + self.errors

    def percentile(self, p: float) -> float:
        return nearest_rank(self.latencies_ms, p)

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.wall_s if self.wall_s else 0.0

    def row(self) -> dict:
        return {
            "system": self.system, "channel": self.channel, "concurrency": self.concurrency,
            "think_s": self.think_s,
            "messages": self.messages, "errors": self.errors,
            "p50_ms": self.percentile(50), "p95_ms": self.percentile(95),
            "p99_ms": self.percentile(99), "throughput": self.throughput,
            "median_ms": statistics.median(self.latencies_ms) if self.latencies_ms else None,
        }  # fmt: skip


def assert_loopback(url: str) -> None:
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the load generator only talks to loopback, not {url}")


async def think(think_s: float, rng: random.Random) -> None:
    """A person reads the answer and types the next message: think_s on average (0 = none)."""
    if think_s > 0:
        await asyncio.sleep(rng.uniform(0.5 * think_s, 1.5 * think_s))


async def rest_conversation(session: aiohttp.ClientSession, url: str, script: Sequence[str],
                            result: LevelResult, think_s: float = 0.0,
                            rng: Optional[random.Random] = None) -> None:  # fmt: skip
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    rng = rng or random.Random(0)
    for turn, message in enumerate(script):
        if turn:
            await think(think_s, rng)
        start = time.perf_counter()
        try:
            async with session.post(
                url,
                json={"sender": sender, "message": message},
                timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT_S),
            ) as reply:
                body = await reply.json() if reply.status == 200 else None
            if not body:
                result.errors += 1
                continue
        except (TimeoutError, aiohttp.ClientError):
            result.errors += 1
            continue
        result.latencies_ms.append((time.perf_counter() - start) * 1000)


def source_address(person: int) -> str:
    """A loopback address of the person's own (127.0.0.10 and up), as if each visitor came from
    their own network; a balancer that keeps a socket.io visitor on one server tells them apart
    by address."""
    return f"127.0.{10 + person // 240}.{10 + person % 240}"


async def socket_conversation(server: str, script: Sequence[str], result: LevelResult,
                              origin: str, think_s: float = 0.0,
                              rng: Optional[random.Random] = None,
                              source: Optional[str] = None) -> None:  # fmt: skip
    """One conversation as the widget has it: polling transport, session_request, messages.

    Latency is to the first bot message of the turn (what the visitor sees first); the turn is
    over once no more bot messages arrive for SOCKET_QUIET_S.
    """
    rng = rng or random.Random(0)
    http = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(local_addr=(source, 0) if source else None)
    )
    client = socketio.AsyncClient(reconnection=False, http_session=http)
    confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
    inbox: asyncio.Queue = asyncio.Queue()
    client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
    client.on("bot_uttered", lambda message: inbox.put_nowait(time.perf_counter()))
    try:
        await client.connect(server, transports=["polling"], headers={"Origin": origin},
                             wait_timeout=TURN_TIMEOUT_S)  # fmt: skip
        await client.emit("session_request", {"session_id": None})
        session_id = await asyncio.wait_for(confirmed, TURN_TIMEOUT_S)
        for turn, message in enumerate(script):
            if turn:
                await think(think_s, rng)
            start = time.perf_counter()
            await client.emit("user_uttered", {"message": message, "session_id": session_id})
            try:
                first = await asyncio.wait_for(inbox.get(), TURN_TIMEOUT_S)
            except TimeoutError:
                result.errors += 1
                continue
            result.latencies_ms.append((first - start) * 1000)
            while True:  # drain the rest of this turn's bubbles
                try:
                    await asyncio.wait_for(inbox.get(), SOCKET_QUIET_S)
                except TimeoutError:
                    break
    except (TimeoutError, socketio.exceptions.ConnectionError):
        result.errors += len(script)
    finally:
        await client.disconnect()
        await http.close()


async def run_level(
    system: str,
    channel: str,
    base_url: str,
    concurrency: int,
    conversations: int,
    time_limit_s: float,
    origin: str = "",
    think_s: float = 0.0,
    seed: int = 2026,
) -> LevelResult:
    """`concurrency` virtual people, each holding one conversation at a time.

    With think_s > 0 each person pauses between messages, as people do: that measures the
    latency people feel at that many conversations. With think_s = 0 they fire at once, which
    measures the most messages per second the system can take (and the queueing it causes).
    """
    assert_loopback(base_url)
    rng = random.Random(seed)
    result = LevelResult(system, channel, concurrency, think_s=think_s)
    started = time.perf_counter()
    deadline = started + time_limit_s
    counter = iter(range(conversations))

    async def person(session: aiohttp.ClientSession, number: int, arrival_s: float) -> None:
        # People do not all press Send in the same millisecond: with pauses, each arrives at a
        # random moment within one pause. (Without pauses everyone starts at once, on purpose.)
        await asyncio.sleep(arrival_s)
        for n in counter:
            if time.perf_counter() > deadline:
                return
            script = SCRIPTS[n % len(SCRIPTS)]
            if channel == "rest":
                await rest_conversation(session, f"{base_url}/webhooks/rest/webhook", script,
                                        result, think_s, rng)  # fmt: skip
            else:
                await socket_conversation(base_url, script, result, origin, think_s, rng,
                                          source=source_address(number))  # fmt: skip
            result.conversations += 1

    connector = aiohttp.TCPConnector(limit=concurrency * 2)
    async with aiohttp.ClientSession(connector=connector) as session:
        arrivals = [rng.uniform(0, think_s) for _ in range(concurrency)]
        await asyncio.gather(*(person(session, n, arrival) for n, arrival in enumerate(arrivals)))
    result.wall_s = time.perf_counter() - started
    return result
