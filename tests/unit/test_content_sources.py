"""Every source an answer cites exists, and each one traces to the verified legal brief."""

from __future__ import annotations

import re


def _domain_sources(domain_yaml):
    for name, variants in domain_yaml["responses"].items():
        for variant in variants:
            for tag in (variant.get("metadata") or {}).get("sources", []):
                yield name, tag


def test_every_catalogue_entry_is_quoted_in_the_brief(texts, legal_brief):
    missing = {tag: s["cite"] for tag, s in texts.sources.items() if s["cite"] not in legal_brief}
    assert not missing, f"cites not found in the legal brief: {missing}"


def test_every_catalogue_entry_has_a_title_and_an_https_or_http_url(texts):
    for tag, source in texts.sources.items():
        assert source.get("title"), tag
        assert re.match(r"^https?://", source.get("url", "")), tag


def test_every_answer_source_is_in_the_catalogue(texts):
    used = set(texts.reminder_sources)
    for topic in texts.topics.values():
        for group in topic.core + ((topic.next,) if topic.next else ()):
            for variant in group.variants.values():
                used.update(variant.sources)
    for variant in texts.next_steps.values():
        used.update(variant.sources)
    assert used - set(texts.sources) == set()


def test_every_legal_core_answer_cites_something(texts):
    for topic, role, order, answer in texts.all_answers():
        if topic in ("book_consultation", "request_human"):
            continue
        assert answer.sources, f"{topic} role={role} order={order} cites nothing"


def test_safety_responses_carry_sources_and_a_review_date(texts, domain_yaml):
    safety = [
        n for n in domain_yaml["responses"] if n.startswith(("utter_danger", "utter_pressure"))
    ]
    assert len(safety) >= 4
    for name in safety:
        for variant in domain_yaml["responses"][name]:
            meta = variant.get("metadata") or {}
            assert meta.get("sources"), name
            assert re.match(r"^\d{4}-\d{2}-\d{2}$", str(meta.get("reviewed", ""))), name
    unknown = {(n, t) for n, t in _domain_sources(domain_yaml) if t not in texts.sources}
    assert not unknown


# Where a source people are shown may live: the law itself and official or primary legal
# information (issue 16). Anything else must be marked `second`, with the reason.
OFFICIAL = re.compile(
    r"^https://(www\.)?(laws-lois\.justice\.gc\.ca|ontario\.ca|news\.ontario\.ca|"
    r"attorneygeneral\.jus\.gov\.on\.ca|(newsite\.)?stepstojustice\.ca|legalaid\.on\.ca|"
    r"lso\.ca|cleo\.on\.ca)/"
)


def test_sources_shown_with_answers_are_official_or_marked_second(texts):
    shown = set()
    for _topic, _role, _order, answer in texts.all_answers():
        shown.update(answer.sources)
    unofficial = {
        tag: texts.sources[tag]["url"]
        for tag in shown
        if not OFFICIAL.match(texts.sources[tag]["url"]) and not texts.sources[tag].get("second")
    }
    assert not unofficial, unofficial


def test_a_second_source_is_listed_after_the_official_ones():
    from actions.sources import source_lines

    catalogue = {
        "A": {"title": "Guide", "url": "https://example.org/", "second": "a guide"},
        "B": {"title": "Steps to Justice", "url": "https://stepstojustice.ca/x"},
    }
    assert source_lines(["A", "B"], catalogue) == [
        "- Steps to Justice: https://stepstojustice.ca/x",
        "- Guide (second source): https://example.org/",
    ]
