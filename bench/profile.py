"""`make profile`: where one Rasa server spends its CPU at saturation (py-spy).

Starts one Rasa server with the current model, sends 50 conversations at once with no pauses
(the benchmark's capacity run), and samples the Rasa process with py-spy meanwhile. Writes
reports/profile.md: CPU milliseconds per message, and the functions with the largest share of
samples (inclusive: a function's share counts everything it calls). This is how the choices in
config.yml and bot/rasa_server/patches.py were found.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

from bench.cluster import Cluster
from bench.loadgen import SCRIPTS, run_level
from bot.settings import ROOT

REPORTS = ROOT / "reports"
WORK = ROOT / "build" / "profile"
# Frames worth reading: Rasa, the project, and the libraries that did most of the work.
INTERESTING = re.compile(r"rasa/|bot/|actions/|jsonschema|sqlalchemy/orm/session|tensorflow/python/"
                         r"eager/polymorphic_function/polymorphic_function")  # fmt: skip
FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>.*?):\d+\)$")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def inclusive_shares(collapsed: str) -> Tuple[int, Dict[str, int]]:
    """Samples per function from py-spy's raw (collapsed) output, each counted once a stack."""
    total, counts = 0, collections.Counter()
    for line in collapsed.splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        total += int(n)
        seen = set()
        for frame in stack.split(";"):
            match = FRAME.match(frame)
            if not match:
                continue
            where = match["file"].split("site-packages/")[-1].replace(str(ROOT) + "/", "")
            key = f"{match['func']} ({where})"
            if key not in seen:
                seen.add(key)
                counts[key] += int(n)
    return total, counts


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "noc-assistant.tar.gz")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    REPORTS.mkdir(exist_ok=True)
    raw = WORK / "profile.txt"
    cluster = Cluster("profile", args.model, 1, WORK)
    try:
        cluster.start(240)
        asyncio.run(run_level("profile", "rest", cluster.url, 1, len(SCRIPTS), 60))  # warm-up
        pid = cluster.stacks[0].processes["rasa"].pid
        spy = subprocess.Popen(
            [str(Path(sys.executable).parent / "py-spy"), "record", "-p", str(pid), "-d",
             str(args.seconds), "-f", "raw", "-o", str(raw), "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        before, started = cpu_seconds(pid), time.perf_counter()
        result = asyncio.run(run_level("profile", "rest", cluster.url, 50, 100_000,
                                       args.seconds, think_s=0.0))  # fmt: skip
        cpu, wall = cpu_seconds(pid) - before, time.perf_counter() - started
        spy.wait(60)
    finally:
        cluster.stop()
    messages = len(result.latencies_ms)
    total, counts = inclusive_shares(raw.read_text())
    lines = [
        "# Profile of one Rasa server at saturation",
        "",
        f"`make profile`: 50 conversations at once with no pauses over REST for {wall:.0f} s, "
        f"one Rasa server, sampled by py-spy ({total} samples). {messages} messages, "
        f"{messages / wall:.1f} msg/s, {result.errors} errors; the Rasa process used "
        f"{cpu:.1f} s of CPU: **{1000 * cpu / max(messages, 1):.1f} ms per message**.",
        "",
        "| share of samples | function (file) |",
        "|---|---|",
    ]
    for key, n in counts.most_common():
        if INTERESTING.search(key) and len(lines) < 6 + args.top:
            lines.append(f"| {100 * n / max(total, 1):.1f}% | `{key}` |")
    (REPORTS / "profile.md").write_text("\n".join(lines) + "\n")
    print(f"==> {1000 * cpu / max(messages, 1):.1f} ms of CPU per message; "
          f"wrote {REPORTS / 'profile.md'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
