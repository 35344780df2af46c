"""`make` stops at once, with a message saying what to install, when Python 3.11 is missing."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_make(python: str, target: str = "train"):
    return subprocess.run(
        ["make", "--no-print-directory", f"PYTHON={python}", target],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_missing_python_stops_with_install_advice():
    result = run_make("/nonexistent/python3.11")
    assert result.returncode != 0
    assert "Python 3.11 is required" in result.stdout + result.stderr
    assert "apt-get install python3.11" in result.stdout + result.stderr


def test_wrong_python_version_is_named(tmp_path):
    # A stand-in interpreter that answers the Makefile's two questions as Python 3.9 would.
    fake = tmp_path / "python3.9"
    fake.write_text(
        "#!/bin/sh\n" 'case "$2" in *version_info*) exit 1;; *python_version*) echo 3.9.18;; esac\n'
    )
    fake.chmod(0o755)
    result = run_make(str(fake), "test")
    assert result.returncode != 0
    assert "3.9.18" in result.stdout and "3.11 is required" in result.stdout


def test_help_lists_the_contract_targets():
    out = subprocess.run(["make", "help"], cwd=ROOT, capture_output=True, text=True).stdout
    for target in ("run", "test", "train", "help"):
        assert f"make {target} " in out
