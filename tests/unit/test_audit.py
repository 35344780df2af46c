"""The dependency audit's verdicts (security/audit.py), from reports in pip-audit's format."""

from security import audit


def report(*deps):
    return {"dependencies": list(deps), "fixes": []}


ENTRY = {"id": "CVE-2024-52304", "package": "aiohttp", "version": "3.9.5", "fixed_in": "3.10.11",
         "why_not_fixed": "Rasa", "exposed": False, "reason": "client only"}  # fmt: skip


def test_an_allow_listed_advisory_passes_by_id_or_alias():
    found = report({"name": "aiohttp", "version": "3.9.5", "vulns": [
        {"id": "GHSA-8495-4g3g-x7pr", "aliases": ["CVE-2024-52304"], "fix_versions": ["3.10.11"]}]})  # fmt: skip
    verdict = audit.judge(found, [ENTRY])
    assert not verdict["new"] and verdict["known"][0][2] == "GHSA-8495-4g3g-x7pr"


def test_an_advisory_not_on_the_list_is_new():
    found = report({"name": "sanic", "version": "21.12.2", "vulns": [
        {"id": "GHSA-xxxx", "aliases": [], "fix_versions": []}]})  # fmt: skip
    assert audit.judge(found, [ENTRY])["new"] == [("sanic", "21.12.2", "GHSA-xxxx", None)]


def test_unchecked_packages_are_counted_not_hidden():
    found = report({"name": "absl-py", "skip_reason": "Dependency not found on PyPI"},
                   {"name": "aiohttp", "version": "3.9.5", "vulns": []})  # fmt: skip
    verdict = audit.judge(found, [ENTRY])
    assert verdict["unchecked"] == ["absl-py"] and not verdict["new"]


def test_an_entry_for_a_version_no_longer_pinned_is_stale():
    assert audit.stale([ENTRY], {"aiohttp": "3.10.11"}) == [ENTRY]
    assert audit.stale([ENTRY], {"aiohttp": "3.9.5"}) == []


def test_the_allowlist_is_complete_and_matches_the_lock():
    entries = audit.load_allowlist()
    pins = audit.pinned(audit.ROOT / "requirements.lock")
    assert entries and not audit.stale(entries, pins)
    assert pins["rasa"] == "3.6.21"
    assert all(e["reason"].strip() and e["why_not_fixed"].strip() for e in entries)


def test_a_star_entry_covers_every_advisory_of_that_exact_version_only():
    star = {**ENTRY, "id": "*", "package": "tensorflow", "version": "2.12.0"}
    found = report(
        {"name": "tensorflow", "version": "2.12.0", "vulns": [{"id": "PYSEC-1", "aliases": []}]},
        {"name": "tensorflow", "version": "2.13.0", "vulns": [{"id": "PYSEC-2", "aliases": []}]},
    )
    verdict = audit.judge(found, [star])
    assert [row[2] for row in verdict["known"]] == ["PYSEC-1"]
    assert [row[2] for row in verdict["new"]] == ["PYSEC-2"]
