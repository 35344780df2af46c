"""English lemmas from spaCy's lookup table (spacy-lookups-data), for the sparse features.

"breached", "breaching" and "breaches" all become "breach", "children" becomes "child", so the
word features of a message count the same word however it is inflected. A lookup table, not a
tagger: cheap, and it needs no model that cannot be downloaded here. MEASURED in config.yml.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Dict

from bot.nlu.pretrained import SPACY_LEMMAS, folder_of

DEFAULT_TABLE = folder_of(SPACY_LEMMAS) / "en_lemma_lookup.json.gz"
_WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=1)
def table(path: Path = DEFAULT_TABLE) -> Dict[str, str]:
    if not Path(path).exists():
        raise FileNotFoundError(f"No lemma table at {path}: run `make setup` first")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def lemmatise(text: str) -> str:
    """Every lowercase word replaced by its lemma; everything else kept as it is."""
    lemmas = table()
    return _WORD.sub(lambda word: lemmas.get(word.group(0), word.group(0)), text)
