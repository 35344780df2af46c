"""Send every message of the understanding sets to the running assistant, score it, and gate.

Each item is the first message of a new conversation, sent over the REST channel to the real
action server and Rasa server (started here on free loopback ports, as the end-to-end tests
do). The intent is read back from the tracker store, so it is the one the safety check left;
the bubbles are what a person would have seen. Scoring follows the header of
``../shared/eval/realworld-dev.yml`` (tests/understanding/scoring.py); the floors are in
tests/understanding/thresholds.yml and only ever rise. Usage:

    python -m tests.understanding.evaluate --model models/noc-assistant.tar.gz \
        realworld-dev=../shared/eval/realworld-dev.yml independent=tests/understanding/independent_set.yml
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import requests
import sqlalchemy as sa
import yaml

from tests.understanding.scoring import (
    EVERYDAY,
    FIGURES,
    LABELS,
    Item,
    Outcome,
    Scores,
    check,
    everyday_score,
    load_items,
    score,
)

ROOT = Path(__file__).resolve().parents[2]
THRESHOLDS = ROOT / "tests" / "understanding" / "thresholds.yml"


def send(rasa_url: str, sender: str, text: str) -> Tuple[str, ...]:
    reply = requests.post(
        f"{rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        timeout=60,
    )
    reply.raise_for_status()
    return tuple(bubble.get("text", "") for bubble in reply.json())


def first_parse(tracker_url: str, sender: str) -> Dict:
    """The parse data of the sender's first message, as the tracker store kept it."""
    engine = sa.create_engine(tracker_url, future=True)
    try:
        with engine.connect() as db:
            rows = db.execute(
                sa.text(
                    "SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' "
                    "ORDER BY id LIMIT 1"
                ),
                {"s": sender},
            ).fetchall()
    finally:
        engine.dispose()
    if not rows:
        return {}
    return json.loads(rows[0][0]).get("parse_data") or {}


def describe(parse: Dict) -> str:
    safety = parse.get("safety")
    if safety:
        return f"safety {safety.get('category')} by {safety.get('reason')} (was {safety.get('original_intent')})"
    ranking = parse.get("intent_ranking") or []
    return ", ".join(f"{r['name']} {float(r.get('confidence') or 0):.2f}" for r in ranking[:3])


def run_items(rasa_url: str, tracker_url: str, label: str, items: Sequence[Item]) -> List[Outcome]:
    outcomes = []
    for item in items:
        sender = f"eval-{label}-{item.id}-{uuid.uuid4().hex[:8]}"
        bubbles = send(rasa_url, sender, item.text)
        parse = first_parse(tracker_url, sender)
        intent = parse.get("intent") or {}
        outcomes.append(
            Outcome(
                intent=str(intent.get("name") or "none"),
                confidence=float(intent.get("confidence") or 0.0),
                bubbles=bubbles,
                detail=describe(parse),
            )
        )
    return outcomes


def legal_topics() -> List[str]:
    """The FAQ topics: what counts as "taken as a legal topic" for an everyday request."""
    from bot.content.answers import content

    return [name for name in content().topics if name.startswith("ask_")]


def run_everyday(rasa_url: str, tracker_url: str, path: Path) -> Dict:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    items = [Item(f"ev-{i}", str(e["text"]), ("out_of_scope",), False, False, False)
             for i, e in enumerate(entries)]  # fmt: skip
    outcomes = run_items(rasa_url, tracker_url, "everyday", items)
    rate, hits, indexes = everyday_score(outcomes, legal_topics())
    print(f"  everyday: {len(items)} requests from a public intent data set")
    print(f"    {LABELS[EVERYDAY]:<32}{rate:>7.3f}  ({hits} of {len(items)}, confidence >= 0.7)")
    for i in indexes:
        print(f"    miss [{LABELS[EVERYDAY]}] {items[i].text!r}: {outcomes[i].detail}")
    safety = sum(o.intent.startswith("report_") for o in outcomes)
    print(f"    (safety replies: {safety} of {len(items)})")
    return {"figures": {EVERYDAY: rate}, "counts": {EVERYDAY: (hits, len(items))},
            "safety_replies": safety}  # fmt: skip


def print_scores(label: str, items: Sequence[Item], scores: Scores) -> None:
    print(f"  {label}: {len(items)} items")
    for name in FIGURES:
        hits, total = scores.counts[name]
        print(f"    {LABELS[name]:<24}{scores.figures[name]:>7.3f}  ({hits} of {total})")
    for name in FIGURES:
        for item, outcome in scores.misses[name]:
            text = item.text if len(item.text) <= 110 else item.text[:107] + "..."
            print(f"    miss [{LABELS[name]}] {item.id}: {text!r}")
            print(f"         wanted {list(item.accept)}, got {outcome.intent}: {outcome.detail}")
            if name == "danger_911_rate":
                print(f"         first bubble: {outcome.first_bubble[:100]!r}")


def load_floors(path: Path = THRESHOLDS) -> Dict[str, Dict[str, float]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {name: dict(values or {}) for name, values in (raw.get("floors") or {}).items()}


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", help="label=path of a set to score")
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--everyday", type=Path, help="everyday requests (text, label)")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "understanding.json")
    args = parser.parse_args(argv)

    sets = {}
    for spec in args.sets:
        label, _, path = spec.partition("=")
        if not path or not Path(path).exists():
            print(f"FAIL: the set {spec!r} was not found (label=path)")
            return 1
        sets[label] = load_items(Path(path))

    from tests.support.stack import running_stack, stack_settings

    floors = load_floors()
    results, failures = {}, []
    with tempfile.TemporaryDirectory(prefix="noc-understanding-") as tmp:
        config = stack_settings(Path(tmp), model_path=args.model.resolve())
        with running_stack(config, names=("actions", "rasa")) as stack:
            for label, items in sets.items():
                outcomes = run_items(stack.rasa_url, config.tracker_url, label, items)
                scores = score(items, outcomes)
                print_scores(label, items, scores)
                results[label] = {
                    "figures": scores.figures,
                    "counts": scores.counts,
                    "items": [
                        {"id": i.id, "accept": list(i.accept), "intent": o.intent,
                         "confidence": o.confidence, "first_bubble": o.first_bubble,
                         "in_scope": i.in_scope, "danger": i.danger, "pressure": i.pressure}
                        for i, o in zip(items, outcomes, strict=True)
                    ],
                }  # fmt: skip
                for failure in check(scores.figures, floors.get(label, {})):
                    failures.append(f"{label}: {failure}")
            if args.everyday:
                everyday = run_everyday(stack.rasa_url, config.tracker_url, args.everyday)
                for failure in check(everyday["figures"], floors.get("everyday", {})):
                    failures.append(f"everyday: {failure}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    if args.everyday:
        (args.out.parent / "everyday.json").write_text(json.dumps(everyday), encoding="utf-8")
    if failures:
        print("FAIL: " + "; ".join(failures))
        return 1
    print(f"PASS: understanding gate ({THRESHOLDS.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
