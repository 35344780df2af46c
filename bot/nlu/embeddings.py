"""Pretrained word vectors for the intent classifier: WordLlama's ``l2_supercat_256``.

No spaCy model with vectors can be downloaded here, so the vectors come from a package on the
package index that carries its own weights (MIT licence): 256-dimensional static token
embeddings distilled from Llama 2's, with their tokenizer. The ``wordllama`` package itself
needs numpy 2 and cannot be imported beside Rasa 3.6's numpy 1.23.5, so ``make`` takes the two
files out of its wheel (bot/nlu/pretrained.py, every hash pinned); they are read here with
``safetensors`` and ``tokenizers``, both pinned in requirements.lock.

They know that "defendant", "abuser" and "the accused" are close, which sparse word and
character features cannot. Looking a text up costs well under a millisecond.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, List

import numpy as np

from bot.nlu.pretrained import WORDLLAMA, folder_of

DEFAULT_DIR = folder_of(WORDLLAMA)


class StaticEmbeddings:
    """Token vectors and their tokenizer; ``encode`` gives one unit vector per text."""

    def __init__(self, vectors: np.ndarray, tokenizer) -> None:
        self.vectors = vectors  # float16, (vocabulary, dimensions): half the memory of float32
        self.tokenizer = tokenizer
        self.dimensions = int(vectors.shape[1])

    @classmethod
    def load(cls, folder: Path = DEFAULT_DIR) -> StaticEmbeddings:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights = Path(folder) / "weights.safetensors"
        if not weights.exists():
            raise FileNotFoundError(f"No word vectors in {folder}: run `make setup` first")
        tensors = load_file(str(weights))
        tokenizer = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
        return cls(tensors["embedding.weight"], tokenizer)

    def token_ids(self, text: str) -> List[int]:
        return self.tokenizer.encode(text, add_special_tokens=False).ids

    def encode(self, texts: Iterable[str]) -> np.ndarray:
        """The plain mean of each text's token vectors, scaled to unit length."""
        texts = list(texts)
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = self.token_ids(text)
            if not ids:
                continue
            mean = self.vectors[ids].astype(np.float32).mean(axis=0)
            norm = float(np.linalg.norm(mean))
            if norm > 0:
                out[row] = mean / norm
        return out
