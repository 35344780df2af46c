"""`make soak`: ten minutes of conversations at a steady rate, looking for errors and leaks.

The deployment is the benchmark's (bench/cluster.py: one Rasa server per core behind nginx,
PostgreSQL and Redis). Messages arrive at a fixed rate, open loop: a slow answer does not slow
the arrivals, as with real visitors. Each message continues a conversation that is waiting for
its next turn, so conversations stay multi-turn. Every 10 s the resident memory of each server
is sampled. Writes reports/soak.md and reports/soak.json: errors and lost messages (both must be
0), latency per minute, and memory growth from the end of the first minute to the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

from bench.cluster import Cluster, memory_mb
from bench.loadgen import SCRIPTS, TURN_TIMEOUT_S, assert_loopback, nearest_rank
from bot.settings import ROOT

REPORTS = ROOT / "reports"
WORK = ROOT / "build" / "soak"
SAMPLE_EVERY_S = 10.0
MAX_OPEN_CONVERSATIONS = 400


@dataclass
class Conversation:
    sender: str
    script: List[str]
    turn: int = 0
    busy: bool = False


@dataclass
class Soak:
    rate: float
    duration_s: float
    sent: int = 0
    errors: int = 0
    latencies: Dict[int, List[float]] = field(default_factory=dict)  # minute -> ms
    memory: List[Dict] = field(default_factory=list)

    async def run(self, url: str, processes: Dict[str, int]) -> None:
        assert_loopback(url)
        open_: List[Conversation] = []
        started = time.perf_counter()
        tasks = set()
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as session:
            sampler = asyncio.create_task(self._sample(processes, started))
            n = 0
            while time.perf_counter() - started < self.duration_s:
                idle = next((c for c in open_ if not c.busy), None)
                if idle is None and len(open_) < MAX_OPEN_CONVERSATIONS:
                    idle = Conversation(f"soak-{uuid.uuid4().hex[:12]}", SCRIPTS[n % len(SCRIPTS)])
                    open_.append(idle)
                if idle is not None:
                    task = asyncio.create_task(self._send(session, url, idle, open_, started))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                n += 1
                # Fixed arrival times: message n at n / rate, whatever the answers take.
                await asyncio.sleep(max(0.0, n / self.rate - (time.perf_counter() - started)))
            if tasks:
                await asyncio.wait(tasks, timeout=TURN_TIMEOUT_S + 5)
            sampler.cancel()

    async def _send(self, session, url, conversation: Conversation, open_, started) -> None:
        conversation.busy = True
        message = conversation.script[conversation.turn]
        self.sent += 1
        begin = time.perf_counter()
        try:
            async with session.post(url, json={"sender": conversation.sender, "message": message},
                                    timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT_S)) as reply:  # fmt: skip
                body = await reply.json() if reply.status == 200 else None
            if body:
                minute = int((begin - started) // 60)
                self.latencies.setdefault(minute, []).append((time.perf_counter() - begin) * 1000)
            else:
                self.errors += 1
        except (TimeoutError, aiohttp.ClientError):
            self.errors += 1
        conversation.turn += 1
        conversation.busy = False
        if conversation.turn >= len(conversation.script):
            open_.remove(conversation)

    async def _sample(self, processes: Dict[str, int], started: float) -> None:
        while True:
            self.memory.append({"t": round(time.perf_counter() - started, 1),
                                **{name: memory_mb(pid, "VmRSS") for name, pid in processes.items()}})  # fmt: skip
            await asyncio.sleep(SAMPLE_EVERY_S)


def growth(memory: List[Dict], name: str) -> Optional[float]:
    """RSS at the end minus RSS at the end of the first minute (start-up and warm-up done)."""
    after_warmup = [m[name] for m in memory if m["t"] >= 60]
    return after_warmup[-1] - after_warmup[0] if len(after_warmup) >= 2 else None


def write_report(result: Dict, path: Path) -> None:
    lines = [
        "# Soak",
        "",
        f"One run of `make soak`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, on this machine: "
        f"{result['duration_s'] / 60:.0f} minutes at {result['rate']:g} messages per second over "
        f"REST, {result['servers']} Rasa server(s) behind nginx with PostgreSQL and Redis.",
        "",
        "| sent | errors | lost | goal |",
        "|---|---|---|---|",
        f"| {result['sent']} | {result['errors']} | {result['lost']} | 0 errors, 0 lost: "
        f"{'met' if result['errors'] == 0 and result['lost'] == 0 else '**missed**'} |",
        "",
        "## Latency per minute (ms)",
        "",
        "| minute | messages | p50 | p95 | p99 |",
        "|---|---|---|---|---|",
    ]
    for minute, row in sorted(result["minutes"].items(), key=lambda kv: int(kv[0])):
        lines.append(f"| {int(minute) + 1} | {row['messages']} | {row['p50']:.1f} | "
                     f"{row['p95']:.1f} | {row['p99']:.1f} |")  # fmt: skip
    lines += ["", "## Memory (resident, MB)", "",
              "| process | after 1 minute | at the end | growth |", "|---|---|---|---|"]  # fmt: skip
    for name, row in result["memory"].items():
        lines.append(f"| {name} | {row['after_warmup']:.0f} | {row['end']:.0f} | "
                     f"{row['growth']:+.0f} |")  # fmt: skip
    path.write_text("\n".join(lines) + "\n")


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second")
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "noc-assistant.tar.gz")
    args = parser.parse_args(argv)
    REPORTS.mkdir(exist_ok=True)
    cluster = Cluster("soak", args.model, args.servers, WORK)
    try:
        print(f"==> Starting {args.servers} Rasa server(s)", flush=True)
        cluster.start(240)
        processes = {f"rasa-{i}": s.processes["rasa"].pid for i, s in enumerate(cluster.stacks)}
        processes["actions"] = cluster.stacks[0].processes["actions"].pid
        stored_before = cluster.stored_user_messages()
        soak = Soak(args.rate, args.minutes * 60)
        print(f"==> Soak: {args.minutes:g} min at {args.rate:g} msg/s", flush=True)
        asyncio.run(soak.run(f"{cluster.url}/webhooks/rest/webhook", processes))
        lost = soak.sent - (cluster.stored_user_messages() - stored_before)
    finally:
        cluster.stop()
    minutes = {m: {"messages": len(v), "p50": nearest_rank(v, 50), "p95": nearest_rank(v, 95),
                   "p99": nearest_rank(v, 99)} for m, v in soak.latencies.items()}  # fmt: skip
    memory = {}
    for name in processes:
        after = [m[name] for m in soak.memory if m["t"] >= 60] or [soak.memory[0][name]]
        memory[name] = {"after_warmup": after[0], "end": after[-1],
                        "growth": growth(soak.memory, name) or 0.0}  # fmt: skip
    result = {"rate": args.rate, "duration_s": args.minutes * 60, "servers": args.servers,
              "sent": soak.sent, "errors": soak.errors, "lost": lost, "minutes": minutes,
              "memory": memory, "samples": soak.memory}  # fmt: skip
    (REPORTS / "soak.json").write_text(json.dumps(result, indent=2))
    write_report(result, REPORTS / "soak.md")
    print(
        f"==> sent {soak.sent}, errors {soak.errors}, lost {lost}; "
        + ", ".join(f"{n} {m['growth']:+.0f} MB" for n, m in memory.items())
    )
    print(f"==> Wrote {REPORTS / 'soak.md'}")
    return 0 if soak.errors == 0 and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
