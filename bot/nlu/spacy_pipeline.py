"""Build the project's spaCy pipeline: a blank English model with a span ruler.

No pretrained spaCy model can be downloaded on these machines, and none is needed: the phrases
that say who is writing ("I'm the victim", "my bail says") and which order they mean ("peace
bond", "non-com") are a short, reviewable list kept in ``data/spacy/entity_patterns.yml``.

A span ruler is used rather than spaCy's entity ruler because the two kinds of phrase overlap:
"I'm on bail" tells us both the role (accused) and the order type (bail). ``doc.ents`` cannot hold
overlapping entities; ``doc.spans`` can. Each span's label is ``<entity>:<value>``, so the canonical
value travels with the match (see ``bot.nlu.entities``).

Usage: ``python -m bot.nlu.spacy_pipeline data/spacy/entity_patterns.yml build/spacy/noc_ruler``
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List

import yaml

SPANS_KEY = "noc"
LABEL_SEPARATOR = ":"


def load_patterns(path: Path) -> Dict[str, Dict[str, List[str]]]:
    """Read ``{entity: {value: [phrase, ...]}}`` and check it is well formed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entities = data.get("entities") if isinstance(data, dict) else None
    if not isinstance(entities, dict) or not entities:
        raise ValueError(f"{path}: expected a top-level 'entities' mapping")
    for entity, values in entities.items():
        if not isinstance(values, dict):
            raise ValueError(f"{path}: '{entity}' must map values to phrase lists")
        for value, phrases in values.items():
            if not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
                raise ValueError(f"{path}: '{entity}:{value}' needs a list of non-empty phrases")
    return entities


def ruler_patterns(entities: Dict[str, Dict[str, List[str]]]) -> List[Dict[str, Any]]:
    """Turn the reviewable YAML into span-ruler phrase patterns, lowercased."""
    patterns = []
    for entity, values in entities.items():
        for value, phrases in values.items():
            label = f"{entity}{LABEL_SEPARATOR}{value}"
            for phrase in dict.fromkeys(p.strip().lower() for p in phrases):
                patterns.append({"label": label, "pattern": phrase})
    return patterns


def build_nlp(patterns: Iterable[Dict[str, Any]]):
    """A blank English pipeline whose only component is the span ruler."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe(
        "span_ruler",
        config={"spans_key": SPANS_KEY, "phrase_matcher_attr": "LOWER", "validate": True},
    )
    ruler.add_patterns(list(patterns))
    return nlp


def build(patterns_file: Path, out_dir: Path) -> int:
    """Build and save the pipeline; returns the number of patterns."""
    patterns = ruler_patterns(load_patterns(patterns_file))
    nlp = build_nlp(patterns)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    return len(patterns)


def main(argv: List[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    count = build(Path(argv[0]), Path(argv[1]))
    print(f"    {count} phrase patterns saved to {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
