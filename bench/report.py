"""The benchmark report: a markdown table with ratios and targets, and a PNG plot."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Dict, List, Optional, Tuple

# The targets from the issue, for this 2-core machine.
TARGETS = {"p95_ms_at_50_rest": 250.0, "throughput_rest_50": 60.0, "cold_start_s": 30.0,
           "train_s": 360.0}  # fmt: skip


def level(results: Dict, system: str, channel: str, people: int) -> Optional[Dict]:
    """The paced run (people pause between messages) at that many conversations."""
    for row in results.get(system, {}).get("levels", []):
        if row["channel"] == channel and row["concurrency"] == people and row.get("think_s", 1):
            return row
    return None


def capacity(results: Dict, system: str) -> Optional[Dict]:
    """The run with no pauses: the most messages per second the system takes."""
    for row in results.get(system, {}).get("levels", []):
        if row.get("think_s", 1) == 0:
            return row
    return None


def ratio(a: Optional[float], b: Optional[float]) -> str:
    if a is None or b is None or not b or math.isnan(a) or math.isnan(b):
        return "n/a"
    return f"{a / b:.2f}x"


def fmt(value, digits=1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}f}"


def previous_run(markdown: Path) -> Tuple[str, Dict[str, str]]:
    """The date and the target figures of the report this run replaces, to show them side by side."""
    if not markdown.exists():
        return "", {}
    text = markdown.read_text(encoding="utf-8")
    date = re.search(r"One run of `make bench`, ([0-9-]+ [0-9:]+ UTC)", text)
    figures = {}
    for line in text.split("## Targets", 1)[-1].split("\n## ", 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0] not in ("target", "---"):
            figures[cells[0]] = cells[1]
    return (date.group(1) if date else "the last run"), figures


def targets(results: Dict, previous: Optional[Dict[str, str]] = None) -> List[str]:
    ours = results.get("ours")
    if not ours:
        return []
    rest50 = level(results, "ours", "rest", 50) or {}
    saturated = capacity(results, "ours") or {}
    checks = [
        ("p95 at 50 concurrent conversations, REST", rest50.get("p95_ms"), "<=",
         TARGETS["p95_ms_at_50_rest"], "ms"),
        ("capacity (50 at once, no pauses), REST", saturated.get("throughput"), ">=",
         TARGETS["throughput_rest_50"], "msg/s"),
        ("cold start (process start to first answer)", ours["cold_start_s"], "<=",
         TARGETS["cold_start_s"], "s"),
        ("full training", ours["train_s"], "<=", TARGETS["train_s"], "s"),
        ("errors and lost messages, all levels",
         sum(r["errors"] + r.get("lost", 0) for r in ours["levels"]), "<=", 0, ""),
    ]  # fmt: skip
    previous = previous or {}
    lines = ["| target | ours | goal | met | last run |", "|---|---|---|---|---|"]
    for name, value, op, goal, unit in checks:
        shown = str(value) if unit == "" else fmt(value)  # a count stays a whole number
        met = value is not None and not (isinstance(value, float) and math.isnan(value))
        met = met and (value <= goal if op == "<=" else value >= goal)
        lines.append(f"| {name} | {shown} {unit} | {op} {goal:g} {unit} | "
                     f"{'yes' if met else '**no**'} | {previous.get(name, 'n/a')} |")  # fmt: skip
    return lines


def write_report(results: Dict, markdown: Path, plot: Path) -> None:
    systems = [s for s in ("ours", "stock", "floor") if s in results]
    last_date, last_figures = previous_run(markdown)
    lines = [
        "# Benchmark",
        "",
        f"One run of `make bench`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, on this "
        "machine. Each system runs as the README recommends for one machine: one Rasa server per core "
        "behind nginx, sharing a PostgreSQL tracker store and a Redis lock store, with one action "
        "server. *ours* is the assistant; *stock* is Rasa's default `rasa init` configuration "
        "trained on the same data and domain (same action server); *floor* is the same server "
        "stack answering every message with one fixed text. Latency is per message: the whole "
        "REST answer, or the first socket.io bubble. Figures are medians and percentiles of "
        "that one run; ratios are ours divided by the other. *Lost* counts messages sent but not in "
        "the tracker store afterwards.",
        "",
        "## Targets",
        "",
        f"*Last run* is ours in the report this one replaced ({last_date or 'none'}).",
        "",
        *targets(results, last_figures),
        "",
        "## Start, training and memory",
        "",
        "| system | Rasa servers | training (s) | cold start (s) | peak memory, each Rasa "
        "server (MB) | all Rasa servers (MB) | action server (MB) |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in systems:
        r = results[s]
        mem = r["peak_memory_mb"]
        trained = fmt(r["train_s"], 0)
        if r.get("epochs") not in (None, 100):
            trained += f" ({r['epochs']} epochs, not 100)"
        lines.append(f"| {s} | {r.get('servers', 1)} | {trained} | "
                     f"{fmt(r['cold_start_s'])} | {fmt(mem.get('rasa'), 0)} | "
                     f"{fmt(mem.get('rasa_total', mem.get('rasa')), 0)} | "
                     f"{fmt(mem.get('actions'), 0)} |")  # fmt: skip
    lines += ["", "## Capacity: 50 conversations at once, nobody pausing (REST)", "",
              "| system | messages | errors | lost | p50 ms | p95 ms | msg/s | msg/s vs system |",
              "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for s in systems:
        row = capacity(results, s)
        if row:
            ours = (capacity(results, "ours") or {}).get("throughput")
            lines.append(f"| {s} | {row['messages']} | {row['errors']} | {row.get('lost', 'n/a')} | "
                         f"{fmt(row['p50_ms'])} | "
                         f"{fmt(row['p95_ms'])} | {fmt(row['throughput'])} | "
                         f"{'' if s == 'ours' else 'ours ' + ratio(ours, row['throughput'])} |")  # fmt: skip
    pause = next((r.get("think_s") for r in results.get("ours", {}).get("levels", [])
                  if r.get("think_s")), None)  # fmt: skip
    lines += ["", f"## Latency as people feel it (each pauses {fmt(pause)} s on average "
              "between messages)", "",
              "| channel | at once | system | messages | errors | lost | p50 ms | p95 ms | p99 ms | "
              "msg/s | p95 vs stock | p95 vs floor | msg/s vs stock | msg/s vs floor |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for channel in ("rest", "socketio"):
        for people in (1, 10, 50):
            for s in systems:
                row = level(results, s, channel, people)
                if not row:
                    continue
                stock = level(results, "stock", channel, people) or {}
                floor = level(results, "floor", channel, people) or {}
                extra = ["", "", "", ""]
                if s == "ours":
                    extra = [ratio(row["p95_ms"], stock.get("p95_ms")),
                             ratio(row["p95_ms"], floor.get("p95_ms")),
                             ratio(row["throughput"], stock.get("throughput")),
                             ratio(row["throughput"], floor.get("throughput"))]  # fmt: skip
                lines.append(
                    f"| {channel} | {people} | {s} | {row['messages']} | {row['errors']} | "
                    f"{row.get('lost', 'n/a')} | {fmt(row['p50_ms'])} | {fmt(row['p95_ms'])} | {fmt(row['p99_ms'])} | "
                    f"{fmt(row['throughput'])} | " + " | ".join(extra) + " |"
                )
    markdown.write_text("\n".join(lines) + "\n")
    _plot(results, systems, plot)


def _plot(results: Dict, systems: List[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    colours = {"ours": "#1b365d", "stock": "#c8102e", "floor": "#8a94a6"}
    for s in systems:
        for channel, style in (("rest", "-"), ("socketio", "--")):
            rows = [level(results, s, channel, n) for n in (1, 10, 50)]
            rows = [r for r in rows if r]
            people = [r["concurrency"] for r in rows]
            axes[0].plot(people, [r["p95_ms"] for r in rows], style, marker="o",
                         color=colours[s], label=f"{s} {channel}")  # fmt: skip
    axes[0].axhline(TARGETS["p95_ms_at_50_rest"], color="#2a7f62", lw=1, ls=":",
                    label="target p95")  # fmt: skip
    # Capacity (the no-pause run), not the paced levels, whose rate is set by the pauses.
    rates = [(capacity(results, s) or {}).get("throughput") or 0.0 for s in systems]
    axes[1].bar(systems, rates, color=[colours[s] for s in systems])
    for x, rate in enumerate(rates):
        axes[1].annotate(f"{rate:.1f}", (x, rate), ha="center", va="bottom", fontsize=9)
    axes[1].axhline(TARGETS["throughput_rest_50"], color="#2a7f62", lw=1, ls=":",
                    label="target msg/s")  # fmt: skip
    axes[0].set(title="p95 latency per message", xlabel="conversations at once", ylabel="ms",
                yscale="log", xscale="log")  # fmt: skip
    axes[1].set(title="Capacity: 50 conversations at once, no pauses (REST)",
                ylabel="messages per second")  # fmt: skip
    axes[0].set_xticks([1, 10, 50], labels=["1", "10", "50"])
    for ax in axes:
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="upper left")
    axes[1].legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
