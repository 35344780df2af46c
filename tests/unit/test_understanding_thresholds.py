"""The understanding floors only ever rise: every committed version of the thresholds file is at
least as strict as the one before it, and so is the working copy."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from tests.understanding.scoring import DIRECTIONS, loosened

ROOT = Path(__file__).resolve().parents[2]
PATH = "tests/understanding/thresholds.yml"


def floors(text: str):
    return (yaml.safe_load(text) or {}).get("floors") or {}


def committed_versions():
    commits = subprocess.run(
        ["git", "rev-list", "--reverse", "HEAD", "--", PATH],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    for commit in commits:
        shown = subprocess.run(["git", "show", f"{commit}:{PATH}"], cwd=ROOT,
                               capture_output=True, text=True)  # fmt: skip
        if shown.returncode == 0:  # absent in a commit that deleted it
            yield commit[:8], floors(shown.stdout)


def test_the_floors_name_known_figures_and_sets():
    current = floors((ROOT / PATH).read_text(encoding="utf-8"))
    assert set(current) >= {"realworld-dev"}
    for values in current.values():
        assert set(values) <= set(DIRECTIONS)


def test_no_version_loosened_a_floor():
    versions = [*committed_versions(), ("working copy", floors((ROOT / PATH).read_text()))]
    for (before_name, before), (after_name, after) in zip(versions, versions[1:], strict=False):
        for label, old in before.items():
            problems = loosened(old, after.get(label, {}))
            assert problems == [], f"{after_name} loosened {label} of {before_name}: {problems}"
