"""`make bench`: our assistant beside a stock Rasa pipeline and a fixed-answer floor.

For each system: a full training run (timed), a cold start (process start to first answer), then
conversations over REST and socket.io at 1, 10 and 50 at once, and each process's peak memory.
Writes reports/bench.md (tables, ratios, targets) and reports/bench.png; raw figures in
reports/bench.json. Everything runs on loopback, on free ports, in build/bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

import requests

from bench.loadgen import SCRIPTS, run_level
from bench.report import write_report
from bot import settings as settings_module
from bot.launcher import Stack
from bot.settings import ROOT

WORK = ROOT / "build" / "bench"
REPORTS = ROOT / "reports"
LEVELS = (1, 10, 50)
CHANNELS = ("rest", "socketio")
SYSTEMS = {
    # name: (config, domain, data folders)
    "ours": ("config.yml", "domain.yml", ["data"]),
    "stock": ("bench/stock/config.yml", "domain.yml", ["data"]),
    "floor": ("bench/floor/config.yml", "bench/floor/domain.yml", ["bench/floor/data"]),
}
COLD_START_TIMEOUT_S = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def train(name: str) -> Dict:
    config, domain, data = SYSTEMS[name]
    out = WORK / "models"
    out.mkdir(parents=True, exist_ok=True)
    print(f"==> [{name}] training (forced, from scratch)", flush=True)
    start = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "train", "--config", config, "--domain",
         domain, "--data", *data, "--out", str(out), "--fixed-model-name", name, "--force",
         "--quiet"],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    print(f"    trained in {seconds:.0f} s", flush=True)
    return {"model": out / f"{name}.tar.gz", "train_s": seconds}


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def first_answer(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            reply = requests.post(f"{url}/webhooks/rest/webhook",
                                  json={"sender": "bench-cold", "message": "hi"}, timeout=5)  # fmt: skip
            if reply.status_code == 200 and reply.json():
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise TimeoutError("no first answer")


def measure(name: str, model: Path, conversations_per_person: int, limit_s: float,
            think_s: float) -> Dict:  # fmt: skip
    rasa_port, web_port = free_port(), free_port()
    data_dir = WORK / name
    shutil.rmtree(data_dir, ignore_errors=True)
    config = dataclasses.replace(
        settings_module.load(), rasa_port=rasa_port, action_port=free_port(), web_port=web_port,
        public_rasa_url=f"http://127.0.0.1:{rasa_port}",
        widget_origins=(f"http://127.0.0.1:{web_port}",), data_dir=data_dir,
        tracker_db=data_dir / "tracker.db", tracker_url=f"sqlite:///{data_dir / 'tracker.db'}",
        outbox_url=f"sqlite:///{data_dir / 'outbox.db'}", model_path=model,
    )  # fmt: skip
    stack = Stack(config, log_dir=data_dir / "logs")
    print(f"==> [{name}] cold start", flush=True)
    start = time.perf_counter()
    stack.start_process("actions")
    stack.start_process("rasa")
    try:
        first_answer(stack.rasa_url, time.monotonic() + COLD_START_TIMEOUT_S)
        cold_s = time.perf_counter() - start
        print(f"    first answer after {cold_s:.1f} s", flush=True)
        # Warm-up, not recorded: every script once.
        asyncio.run(run_level(name, "rest", stack.rasa_url, 1, len(SCRIPTS), 60))
        levels = []
        runs = [(channel, people, think_s) for channel in CHANNELS for people in LEVELS]
        runs.append(("rest", max(LEVELS), 0.0))  # capacity: everyone at once, no pause
        for channel, people, pause in runs:
            result = asyncio.run(run_level(
                name, channel, stack.rasa_url, people, people * conversations_per_person,
                limit_s, origin=config.widget_origins[0], think_s=pause,
            ))  # fmt: skip
            row = result.row()
            levels.append(row)
            print(f"    {channel:8} x{people:<3} pause {pause:3.1f}s {row['messages']:5} msgs  "
                  f"p50 {row['p50_ms']:7.1f}  p95 {row['p95_ms']:7.1f}  "
                  f"p99 {row['p99_ms']:7.1f} ms  {row['throughput']:6.1f} msg/s  "
                  f"errors {row['errors']}", flush=True)  # fmt: skip
        memory = {proc: peak_memory_mb(p.pid) for proc, p in stack.processes.items()}
    finally:
        stack.stop()
    return {"cold_start_s": cold_s, "levels": levels, "peak_memory_mb": memory}


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=list(SYSTEMS))
    parser.add_argument("--conversations-per-person", type=int, default=3)
    parser.add_argument("--level-time-limit", type=float, default=120.0, help="seconds per level")
    parser.add_argument("--think", type=float, default=3.0,
                        help="mean pause between a person's messages, seconds")  # fmt: skip
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    REPORTS.mkdir(exist_ok=True)
    results = {}
    for name in args.systems:
        trained = train(name)
        results[name] = {"train_s": trained["train_s"],
                         **measure(name, trained["model"], args.conversations_per_person,
                                   args.level_time_limit, args.think)}  # fmt: skip
    (REPORTS / "bench.json").write_text(json.dumps(results, indent=2))
    write_report(results, REPORTS / "bench.md", REPORTS / "bench.png")
    print(f"==> Wrote {REPORTS / 'bench.md'} and {REPORTS / 'bench.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
