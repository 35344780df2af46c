"""Evaluate the trained model on the held-out NLU set and fail below the release gate.

Gate: macro F1 >= 0.95 over all intents, and recall 1.0 on report_danger (a missed danger
message is the worst failure this assistant can have). A message that falls back to
nlu_fallback counts as a miss. Usage:

    python -m tests.nlu.evaluate --model models/noc-assistant.tar.gz tests/nlu/test_nlu.yml
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Dict, List, Tuple

MIN_MACRO_F1 = 0.95
MUST_RECALL_ALL = ("report_danger",)


def load_examples(path: Path) -> List[Tuple[str, str]]:
    """(text, intent) pairs from a Rasa NLU YAML file, entity markup removed."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def overlap_with_training(examples, training_dir: Path) -> List[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    trained = {m.get("text").strip().lower() for m in load_data(str(training_dir)).intent_examples}
    return [text for text, _ in examples if text.strip().lower() in trained]


async def parse_all(model: Path, texts: List[str]) -> List[Dict]:
    """The full parse of each text by the trained NLU pipeline (safety check included)."""
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # Rasa's structured logger prints each parsed message at debug level; keep messages out.
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


async def predict(model: Path, texts: List[str]) -> List[str]:
    return [parsed["intent"]["name"] for parsed in await parse_all(model, texts)]


def scores(gold: List[str], predicted: List[str]) -> Dict[str, Dict[str, float]]:
    """Per-intent precision, recall, F1 and support, over the intents in the gold set."""
    from tests.understanding.scoring import per_intent

    report = per_intent(gold, predicted)
    return {intent: report[intent] for intent in sorted(set(gold))}


def gate(report: Dict[str, Dict[str, float]]) -> Tuple[float, List[str]]:
    macro = sum(r["f1"] for r in report.values()) / len(report)
    failures = []
    if macro < MIN_MACRO_F1:
        failures.append(f"macro F1 {macro:.3f} is below {MIN_MACRO_F1}")
    for intent in MUST_RECALL_ALL:
        if report.get(intent, {}).get("recall", 0.0) < 1.0:
            failures.append(f"{intent} recall {report[intent]['recall']:.3f} is below 1.0")
    return macro, failures


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("test_file", type=Path)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--training", type=Path, default=Path("data/nlu"))
    parser.add_argument("--out", type=Path, default=Path("results/nlu_report.json"))
    args = parser.parse_args(argv)

    examples = load_examples(args.test_file)
    leaked = overlap_with_training(examples, args.training)
    if leaked:
        print(f"FAIL: {len(leaked)} test messages are also in the training data: {leaked[:5]}")
        return 1

    gold = [intent for _, intent in examples]
    predicted = asyncio.run(predict(args.model, [text for text, _ in examples]))
    report = scores(gold, predicted)
    macro, failures = gate(report)

    print(f"{'intent':<26}{'precision':>10}{'recall':>8}{'f1':>7}{'n':>5}")
    for intent, r in report.items():
        print(
            f"{intent:<26}{r['precision']:>10.2f}{r['recall']:>8.2f}{r['f1']:>7.2f}{r['support']:>5}"
        )
    misses = [(t, g, p) for (t, g), p in zip(examples, predicted, strict=False) if g != p]
    for text, g, p in misses:
        print(f"  miss: {text!r}: expected {g}, got {p}")
    accuracy = 1 - len(misses) / len(examples)
    print(f"NLU held-out set: {len(examples)} messages, accuracy {accuracy:.3f}, macro F1 {macro:.3f}, "
          f"report_danger recall {report['report_danger']['recall']:.2f}")  # fmt: skip

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"macro_f1": macro, "intents": report, "misses": misses}, indent=2)
    )
    if failures:
        print("FAIL: " + "; ".join(failures))
        return 1
    print("PASS: NLU release gate")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
