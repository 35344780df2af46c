"""`make bench`: our assistant beside a stock Rasa pipeline and a fixed-answer floor.

For each system: a full training run (timed), a cold start (process start to first answer), then
conversations over REST and socket.io at 1, 10 and 50 at once, and each process's peak memory.
Writes reports/bench.md (tables, ratios, targets) and reports/bench.png; raw figures in
reports/bench.json. Everything runs on loopback, on free ports, in build/bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

from bench.cluster import Cluster
from bench.loadgen import SCRIPTS, run_level
from bench.report import write_report
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


# The stock components that learn for a number of epochs (Rasa's default is 100 for each).
EPOCH_COMPONENTS = ("DIETClassifier", "ResponseSelector", "UnexpecTEDIntentPolicy", "TEDPolicy")


def stock_config(epochs: int) -> str:
    """bench/stock/config.yml with `epochs` for every epoch-trained component, as a file path.

    A full default training of stock Rasa on 9,500 examples takes hours on 2 cores. What the
    benchmark compares is the cost of answering, which depends on the network's shape (layers,
    sizes), not on how many epochs trained it; so a run may train stock for fewer epochs, and
    the report says so beside stock's training time.
    """
    import yaml

    config = yaml.safe_load((ROOT / SYSTEMS["stock"][0]).read_text(encoding="utf-8"))
    for part in config.get("pipeline", []) + config.get("policies", []):
        if part.get("name") in EPOCH_COMPONENTS:
            part["epochs"] = epochs
    path = WORK / f"stock-{epochs}-epochs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return str(path)


def train(name: str, reuse: bool = False, config: str = "") -> Dict:
    default_config, domain, data = SYSTEMS[name]
    config = config or default_config
    out = WORK / "models"
    out.mkdir(parents=True, exist_ok=True)
    if reuse and (out / f"{name}.tar.gz").exists():
        print(f"==> [{name}] reusing {out / name}.tar.gz (training time not measured)")
        return {"model": out / f"{name}.tar.gz", "train_s": float("nan")}
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


def measure(name: str, model: Path, servers: int, conversations_per_person: int,
            limit_s: float, think_s: float) -> Dict:  # fmt: skip
    cluster = Cluster(name, model, servers, WORK)
    print(f"==> [{name}] cold start, {servers} Rasa server(s)", flush=True)
    try:
        cold_s = cluster.start(COLD_START_TIMEOUT_S)
        print(f"    every server answered after {cold_s:.1f} s", flush=True)
        # Warm-up, not recorded: every script once on every server.
        asyncio.run(run_level(name, "rest", cluster.url, servers, servers * len(SCRIPTS), 60))
        levels = []
        runs = [(channel, people, think_s) for channel in CHANNELS for people in LEVELS]
        runs.append(("rest", max(LEVELS), 0.0))  # capacity: everyone at once, no pause
        for channel, people, pause in runs:
            stored_before = cluster.stored_user_messages()
            result = asyncio.run(run_level(
                name, channel, cluster.url, people, people * conversations_per_person,
                limit_s, origin=cluster.origin, think_s=pause,
            ))  # fmt: skip
            row = result.row()
            # Sent, answered, but not in the tracker store: lost (each error was sent too).
            row["lost"] = result.messages - (cluster.stored_user_messages() - stored_before)
            levels.append(row)
            print(f"    {channel:8} x{people:<3} pause {pause:3.1f}s {row['messages']:5} msgs  "
                  f"p50 {row['p50_ms']:7.1f}  p95 {row['p95_ms']:7.1f}  "
                  f"p99 {row['p99_ms']:7.1f} ms  {row['throughput']:6.1f} msg/s  "
                  f"errors {row['errors']}  lost {row['lost']}", flush=True)  # fmt: skip
        memory = cluster.peak_memory()
    finally:
        cluster.stop()
    return {"servers": servers, "cold_start_s": cold_s, "levels": levels,
            "peak_memory_mb": memory}  # fmt: skip


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=list(SYSTEMS))
    parser.add_argument(
        "--servers",
        type=int,
        default=os.cpu_count() or 1,
        help="Rasa servers (default: one per core, as the README recommends)",
    )
    parser.add_argument(
        "--reuse-models",
        action="store_true",
        help="skip training when build/bench/models has a model (for profiling)",
    )
    parser.add_argument("--stock-epochs", type=int, default=100,
                        help="epochs for stock's DIET, ResponseSelector and TED policies "
                             "(Rasa's default: 100); the answering cost does not depend on it")  # fmt: skip
    parser.add_argument("--conversations-per-person", type=int, default=3)
    parser.add_argument("--level-time-limit", type=float, default=120.0, help="seconds per level")
    parser.add_argument("--think", type=float, default=3.0,
                        help="mean pause between a person's messages, seconds")  # fmt: skip
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    REPORTS.mkdir(exist_ok=True)
    results = {}
    for name in args.systems:
        config = stock_config(args.stock_epochs) if name == "stock" else ""
        trained = train(name, reuse=args.reuse_models, config=config)
        results[name] = {"train_s": trained["train_s"],
                         **({"epochs": args.stock_epochs} if name == "stock" else {}),
                         **measure(name, trained["model"], args.servers,
                                   args.conversations_per_person, args.level_time_limit,
                                   args.think)}  # fmt: skip
    (REPORTS / "bench.json").write_text(json.dumps(results, indent=2))
    write_report(results, REPORTS / "bench.md", REPORTS / "bench.png")
    print(f"==> Wrote {REPORTS / 'bench.md'} and {REPORTS / 'bench.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
