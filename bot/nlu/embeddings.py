"""Pretrained word vectors for the intent classifier: what they are, how they are installed, how
a text becomes a vector.

No spaCy model with vectors can be downloaded here, so the vectors come from a package on the
package index that carries its own weights: WordLlama's ``l2_supercat_256`` (MIT licence),
256-dimensional static token embeddings distilled from Llama 2's, with their tokenizer. The
``wordllama`` package itself needs numpy 2 and cannot be imported beside Rasa 3.6's numpy
1.23.5, so ``make`` downloads its wheel with pip (hash-checked), and ``install`` below copies the
two files out of it, checking each file's own hash too. They are read with ``safetensors`` and
``tokenizers``, both pinned in requirements.lock.

A text's vector is the mean of its token vectors, scaled to unit length: cheap (well under a
millisecond), and it knows that "defendant", "abuser" and "the accused" are close, which the
sparse word and character features cannot.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple

import numpy as np

from bot.settings import ROOT

DEFAULT_DIR = ROOT / "build" / "embeddings" / "l2_supercat_256"


@dataclass(frozen=True)
class WeightsSource:
    """Where the weights come from, pinned: the wheel's hash, and each extracted file's hash."""

    requirement: str
    wheel_sha256: Sequence[str]  # one per platform wheel that pip may pick
    files: Dict[str, Tuple[str, str]]  # name written -> (member path in the wheel, its sha256)


WORDLLAMA = WeightsSource(
    requirement="wordllama==0.4.0.post1",
    wheel_sha256=("42c2c88907ace0b0681ac6f9092d6a300a6409a5d2d61071a3fb5e7159370c97",),
    files={
        "weights.safetensors": (
            "wordllama/weights/l2_supercat_256.safetensors",
            "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5",
        ),
        "tokenizer.json": (
            "wordllama/tokenizers/l2_supercat_tokenizer_config.json",
            "93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68",
        ),
        # The MIT licence travels with the weights; the wheel's hash already pins its text.
        "LICENSE": ("wordllama-0.4.0.post1.dist-info/licenses/LICENSE", ""),
    },
)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def extract(wheel: Path, target: Path, source: WeightsSource = WORDLLAMA) -> None:
    """Copy the pinned files out of the wheel into `target`; refuse any file whose hash differs."""
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for name, (member, wanted) in source.files.items():
            destination = target / name
            with archive.open(member) as src, open(destination, "wb") as out:
                shutil.copyfileobj(src, out)
            if wanted and sha256_of(destination) != wanted:
                destination.unlink()
                raise ValueError(f"{member} in {wheel.name} does not have the pinned sha256")


def install(target: Path = DEFAULT_DIR, source: WeightsSource = WORDLLAMA) -> None:
    """Download the wheel with pip (hash-checked, no dependencies) and extract the weights."""
    with tempfile.TemporaryDirectory(prefix="noc-weights-") as tmp:
        pins = Path(tmp) / "pins.txt"
        hashes = " ".join(f"--hash=sha256:{h}" for h in source.wheel_sha256)
        pins.write_text(f"{source.requirement} {hashes}\n", encoding="utf-8")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "--require-hashes", "-r", str(pins), "-d", tmp],
            check=True,
        )  # fmt: skip
        wheels = list(Path(tmp).glob("*.whl"))
        if len(wheels) != 1:
            raise RuntimeError(f"expected one wheel for {source.requirement}, got {wheels}")
        extract(wheels[0], target, source)


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


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description="Install the pretrained word vectors.")
    parser.add_argument("command", choices=["install"])
    parser.add_argument("target", type=Path, nargs="?", default=DEFAULT_DIR)
    args = parser.parse_args(argv)
    install(args.target)
    print(f"    word vectors ({WORDLLAMA.requirement}, hash-checked) in {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
