"""Write reports/quality.md: what the trained model understands, so each release shows what changed.

It gathers what `make test` measured a moment before: the held-out NLU set
(results/nlu_report.json), the safety set (results/safety_report.json), the understanding
sets and the safety gate's messages sent through the running servers
(results/understanding.json, results/safety_end_to_end.json). Per-intent precision and
recall, the most confused pairs, the fallback rate, safety recall and false alarms, and the date
of the model they came from. Usage:

    python -m tests.understanding.quality --model models/noc-assistant.tar.gz
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from tests.understanding.scoring import (
    EVERYDAY,
    FIGURES,
    LABELS,
    Item,
    confused_pairs,
    gold_for,
    per_intent,
)

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "results"


def model_trained_at(model: Path) -> str:
    with tarfile.open(model, "r:gz") as archive:
        for member in archive.getmembers():
            if member.name.lstrip("/") == "metadata.json":
                data = json.load(archive.extractfile(member))
                return str(data.get("trained_at", "unknown")).replace("T", " ")[:16] + " UTC"
    return "unknown"


def intent_table(report: Dict[str, Dict[str, float]]) -> List[str]:
    lines = ["| intent | precision | recall | n |", "|---|---|---|---|"]
    for name, r in sorted(report.items()):
        if r["support"] or r["precision"]:
            lines.append(f"| {name} | {r['precision']:.2f} | {r['recall']:.2f} | {r['support']} |")
    return lines


def pairs_table(pairs: Sequence[Tuple[str, str, int]]) -> List[str]:
    if not pairs:
        return ["No confusions."]
    lines = ["| expected | got | times |", "|---|---|---|"]
    lines += [f"| {gold} | {got} | {n} |" for gold, got, n in pairs]
    return lines


def thresholds() -> Dict:
    import yaml

    path = ROOT / "tests" / "understanding" / "thresholds.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def understanding_section(label: str, result: Dict) -> List[str]:
    items = [Item(str(i["id"]), "", tuple(i["accept"]), i["in_scope"], i["danger"], i["pressure"])
             for i in result["items"]]  # fmt: skip
    predicted = [i["intent"] for i in result["items"]]
    gold = [gold_for(item, p) for item, p in zip(items, predicted, strict=True)]
    limits = thresholds()
    floors, targets = (limits.get("floors") or {}).get(label, {}), limits.get("targets") or {}
    lines = [f"### {label} ({len(items)} messages)", "",
             "| figure | value | counted | floor | target |", "|---|---|---|---|---|"]  # fmt: skip
    for name in FIGURES:
        hits, total = result["counts"][name]
        floor, target = floors.get(name, "n/a"), targets.get(name, "n/a")
        lines.append(f"| {LABELS[name]} | {result['figures'][name]:.3f} | {hits} of {total} | "
                     f"{floor} | {target} |")  # fmt: skip
    lines += ["", "Per intent (the expected intent is the prediction when it was acceptable, "
              "otherwise the first acceptable one):", ""]  # fmt: skip
    report = per_intent(gold, predicted)
    expected = [name for name in report if report[name]["support"]]
    macro = sum(report[name]["f1"] for name in expected) / max(len(expected), 1)
    lines += intent_table(report)
    lines += ["", f"Macro F1 over the {len(expected)} expected intents: {macro:.3f}."]
    lines += ["", "Most confused:", ""] + pairs_table(confused_pairs(gold, predicted)) + [""]
    return lines


def held_out_section(report: Dict) -> List[str]:
    misses = report.get("misses") or []
    lines = [
        f"### Held-out NLU set (tests/nlu/test_nlu.yml), macro F1 {report['macro_f1']:.3f}",
        "",
    ]
    lines += intent_table(report["intents"])
    pairs = confused_pairs([m[1] for m in misses], [m[2] for m in misses])
    return lines + ["", "Most confused:", ""] + pairs_table(pairs) + [""]


def safety_section(report: Dict) -> List[str]:
    lines = ["### Safety set (tests/safety/safety_set.yml)", "", "| | value |", "|---|---|"]
    for category in ("danger", "self_harm", "pressure"):
        if category in report:
            lines.append(f"| {category} recall | {report[category]['recall']:.3f} |")
    ordinary = report.get("ordinary", {})
    lines.append(
        f"| false alarms on ordinary messages | {ordinary.get('false_alarm_rate', 0):.1%} |"
    )
    return lines + [""]


def safety_end_to_end_section(report: Dict) -> List[str]:
    """Per kind: what a person saw first, through the running servers (tests/safety/end_to_end.py)."""
    lines = ["## Safety, end to end (`make safety-e2e`)", "",
             "Each message was the first of a new conversation over REST. Danger and self-harm "
             "need 911 in the first bubble (self-harm also 9-8-8); pressure needs the pressure "
             "reply; an ordinary message or hard negative must not get the danger reply.", "",
             "| kind | must get | right | of |", "|---|---|---|---|"]  # fmt: skip
    for kind, row in sorted(report["kinds"].items(), key=lambda kv: (kv[1]["expect"], kv[0])):
        lines.append(f"| {kind} | {row['expect']} | {row['hits']} | {row['total']} |")
    hits, total = report["counts"]["danger_reply_rate"]
    danger_hits, danger_total = report["counts"]["danger_911_rate"]
    lines += ["", f"Danger with 911 first: {danger_hits} of {danger_total}. Ordinary messages "
              f"given the danger reply: {hits} of {total} "
              f"({report['figures']['danger_reply_rate']:.1%}; target 1%).", ""]  # fmt: skip
    return lines


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "quality.md")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    def read(name: str) -> Dict:
        path = args.results / name
        if not path.exists():
            raise SystemExit(f"FAIL: {path} is missing; run `make test` (it writes it first)")
        return json.loads(path.read_text(encoding="utf-8"))

    understanding = read("understanding.json")
    lines = [
        "# Understanding quality",
        "",
        f"Written by `make test` for the model trained {model_trained_at(args.model)}. The "
        "real-world set (`../shared/eval/realworld-dev.yml`) and the harvested set are real "
        "questions nobody on the team wrote; the independent set and the held-out set were "
        "written by the team and overstate (smoke tests). Every message was the first of a new "
        "conversation through the running servers; the gate's floors are in "
        "`tests/understanding/thresholds.yml`.",
        "",
        "## Messages nobody on the team wrote, and the team's independent set",
        "",
    ]
    for label, result in understanding.items():
        lines += understanding_section(label, result)
    everyday_path = args.results / "everyday.json"
    if everyday_path.exists():
        everyday = json.loads(everyday_path.read_text(encoding="utf-8"))
        hits, total = everyday["counts"][EVERYDAY]
        floor = (thresholds().get("floors") or {}).get("everyday", {}).get(EVERYDAY, "n/a")
        lines += [f"### everyday ({total} requests from CLINC150's test split)", "",
                  f"Taken as a legal topic with confidence 0.7 or more: "
                  f"{everyday['figures'][EVERYDAY]:.3f} ({hits} of {total}; floor {floor}, "
                  f"target 0.05). Given a safety reply: {everyday['safety_replies']}.", ""]  # fmt: skip
    lines += ["## The team's own sets", ""]
    lines += held_out_section(read("nlu_report.json"))
    lines += safety_section(read("safety_report.json"))
    if (args.results / "safety_end_to_end.json").exists():
        lines += safety_end_to_end_section(read("safety_end_to_end.json"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print(f"    quality report written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
