"""`make audit`: pip-audit over every pinned package, with the triaged allow-list.

pip-audit runs from its own virtual environment (build/audit-venv), so the auditor's
dependencies never mix with the assistant's. Outcomes:

- an advisory that is not in security/audit-allowlist.yml: listed, exit 1;
- allow-listed advisories: listed with their reason, and entries whose package version is no
  longer pinned are reported as stale;
- packages pip-audit could not check (the advisory service did not answer for them): counted
  and named. If it could check none at all, the audit did not happen, and this says so in
  capitals. That is exit 0 by default, so an offline machine can still run `make test`, and
  exit 1 with NOC_AUDIT_STRICT=1 (set it wherever the service is reachable, such as CI with
  internet access).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
ALLOWLIST = ROOT / "security" / "audit-allowlist.yml"
# Installed after the lock with --no-deps (Makefile), so not in requirements.lock.
EXTRA_PINS = ["rasa==3.6.21", "rasa-sdk==3.6.2"]


def pinned(lock: Path) -> Dict[str, str]:
    pins = {}
    lines = lock.read_text().splitlines() + EXTRA_PINS
    for line in lines:
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.split("[")[0].strip().lower().replace("_", "-")] = version.strip()
    return pins


def load_allowlist(path: Path = ALLOWLIST) -> List[Dict]:
    entries = yaml.safe_load(path.read_text()) or []
    for entry in entries:
        missing = {"id", "package", "version", "fixed_in", "why_not_fixed", "exposed",
                   "reason"} - set(entry)  # fmt: skip
        if missing:
            raise ValueError(f"{path.name}: {entry.get('id', '?')} lacks {sorted(missing)}")
    return entries


def stale(entries: List[Dict], pins: Dict[str, str]) -> List[Dict]:
    return [e for e in entries if pins.get(e["package"].lower()) != str(e["version"])]


def judge(report: Dict, entries: List[Dict]) -> Dict[str, List]:
    """Sort pip-audit's JSON report into new findings, allowed ones and unchecked packages.

    An entry's id is an advisory id or alias, or "*" for every advisory of that exact package
    version (used only where the whole class of advisories is triaged at once, with the reason).
    """
    allowed = {e["id"]: e for e in entries if e["id"] != "*"}
    whole = {(e["package"].lower(), str(e["version"])): e for e in entries if e["id"] == "*"}
    new, known, unchecked = [], [], []
    for dep in report.get("dependencies", []):
        if "skip_reason" in dep:
            unchecked.append(dep["name"])
            continue
        for vuln in dep.get("vulns", []):
            names = {vuln["id"], *vuln.get("aliases", [])}
            entry = next((allowed[n] for n in names if n in allowed), None)
            entry = entry or whole.get((dep["name"].lower(), dep["version"]))
            row = (dep["name"], dep["version"], vuln["id"], entry)
            (known if entry else new).append(row)
    return {"new": new, "known": known, "unchecked": unchecked}


def main() -> int:
    venv_bin = ROOT / "build" / "audit-venv" / "bin"
    pins = pinned(ROOT / "requirements.lock")
    entries = load_allowlist()
    requirements = ROOT / "build" / "audit-requirements.txt"
    requirements.write_text("".join(f"{n}=={v}\n" for n, v in sorted(pins.items())))
    out = ROOT / "build" / "audit.json"
    run = subprocess.run(
        [str(venv_bin / "pip-audit"), "-r", str(requirements), "--no-deps", "--disable-pip",
         "--progress-spinner", "off", "--format", "json", "-o", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    if not out.exists():
        print(run.stderr.strip()[-2000:])
        print("ERROR: pip-audit did not produce a report")
        return 1
    verdict = judge(json.loads(out.read_text()), entries)
    strict = os.environ.get("NOC_AUDIT_STRICT", "") == "1"
    for name, version, vuln, _ in verdict["new"]:
        print(f"    NEW ADVISORY: {name} {version}: {vuln} (triage it in {ALLOWLIST.name})")
    for name, version, vuln, entry in verdict["known"]:
        print(f"    allowed: {name} {version}: {vuln}, exposed: {entry['exposed']}")
    for entry in stale(entries, pins):
        print(f"    stale allow-list entry: {entry['id']} ({entry['package']} "
              f"{entry['version']} is no longer pinned)")  # fmt: skip
    checked = len(pins) - len(verdict["unchecked"])
    if checked == 0:
        print(f"    NOT AUDITED: the advisory service answered for none of the {len(pins)} "
              "pinned packages (pip-audit asks PyPI's JSON API, which this machine cannot "
              "reach). The allow-list could not be checked either.")  # fmt: skip
        return 1 if strict else 0
    if verdict["unchecked"]:
        print(
            f"    could not check {len(verdict['unchecked'])} package(s): "
            + ", ".join(sorted(verdict["unchecked"])[:20])
        )
        if strict:
            return 1
    print(f"    audited {checked} of {len(pins)} packages: {len(verdict['new'])} new, "
          f"{len(verdict['known'])} allowed advisories")  # fmt: skip
    return 1 if verdict["new"] else 0


if __name__ == "__main__":
    sys.exit(main())
