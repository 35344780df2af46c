"""No message kept for measuring is in the training data, as a copy or a near copy.

The real-world dev set (../shared/eval/realworld-dev.yml) and the project's own measuring sets
in tests/understanding/ measure what the team did not write; tests/understanding/near_copy.py
says what counts as a near copy and why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.understanding.near_copy import find_near_copies, near_copy

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT.parent / "shared" / "eval" / "realworld-dev.yml"
OWN_SETS = sorted((ROOT / "tests" / "understanding").glob("*_set.yml")) + [
    ROOT / "tests" / "safety" / "kinds_set.yml"  # the end-to-end safety gate's own messages
]


def training_texts():
    texts = []
    for path in sorted((ROOT / "data" / "nlu").rglob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                texts += [ln.strip()[2:] for ln in block["examples"].splitlines()
                          if ln.strip().startswith("- ")]  # fmt: skip
    return texts


def set_texts(path: Path):
    return [item["text"] for item in yaml.safe_load(path.read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def training():
    texts = training_texts()
    assert len(texts) > 1000
    return texts


def test_the_real_world_dev_set_is_beside_the_project():
    assert DEV_SET.exists(), f"{DEV_SET} is missing: clone the project beside ../shared"


@pytest.mark.parametrize("path", [DEV_SET, *OWN_SETS], ids=lambda p: p.name)
def test_no_measuring_message_is_in_the_training_data(training, path):
    copies = find_near_copies(training, set_texts(path))
    assert copies == [], f"{len(copies)} training examples copy {path.name}: {copies[:5]}"


@pytest.mark.parametrize(
    "a, b",
    [
        ("What's a no-contact order?", "whats a no contact order"),
        ("Who can get a Restraining Order?", "who can get a restraining order in ontario"),
        ("When can No-Contact Orders be put in place?", "when is a no contact order put in place"),
    ],
)
def test_reworded_copies_are_caught(a, b):
    assert near_copy(a, b)
    assert find_near_copies([b], [a]) == [(b, a)]


@pytest.mark.parametrize(
    "a, b",
    [
        ("What happens if I violate a no-contact order?", "can my wife drop the charges"),
        ("Should I sign a peace bond?", "how long does a bail review take"),
    ],
)
def test_different_questions_are_not_copies(a, b):
    assert not near_copy(a, b)
    assert find_near_copies([b], [a]) == []
