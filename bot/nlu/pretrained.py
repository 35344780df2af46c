"""Pretrained files the intent classifier uses, taken from wheels on the package index.

Nothing can be downloaded from a model hub here, but a wheel on the package index can carry
files: WordLlama's word vectors (bot/nlu/embeddings.py) and spaCy's English lemma table
(bot/nlu/lemmas.py). ``make`` runs ``python -m bot.nlu.pretrained install``: pip downloads each
wheel with ``--require-hashes`` (no dependencies; nothing is installed), and only the pinned
files are copied out of it, each checked against its own hash too.
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
from typing import Dict, List, Sequence, Tuple

from bot.settings import ROOT

BUILD_DIR = ROOT / "build" / "pretrained"


@dataclass(frozen=True)
class WeightsSource:
    """Where the files come from, pinned: the wheel's hash, and each extracted file's hash."""

    requirement: str
    wheel_sha256: Sequence[str]  # one per platform wheel that pip may pick
    files: Dict[str, Tuple[str, str]]  # name written -> (member path in the wheel, its sha256)
    folder: str  # under build/pretrained/


# WordLlama's l2_supercat_256 (MIT licence): 256-dimensional token vectors and their tokenizer.
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
        # The licence travels with the files; the wheel's hash already pins its text.
        "LICENSE": ("wordllama-0.4.0.post1.dist-info/licenses/LICENSE", ""),
    },
    folder="wordllama_l2_supercat_256",
)
# The English lemma lookup table of spacy-lookups-data (MIT licence): of its 98 MB of tables for
# many languages, only this 200 KB file is taken.
SPACY_LEMMAS = WeightsSource(
    requirement="spacy-lookups-data==1.0.5",
    wheel_sha256=("466f21f087e4144bc93800679437ec5a17be7d0888734b1ba880b3ecb0978bc6",),
    files={
        "en_lemma_lookup.json.gz": (
            "spacy_lookups_data/data/en_lemma_lookup.json.gz",
            "8b5c845960584fdf72291e4f70f0a5e4401568492f4e090c013eec00d67bda05",
        ),
        "LICENSE": ("spacy_lookups_data-1.0.5.dist-info/LICENSE", ""),
    },
    folder="spacy_lookups_en_lemmas",
)
SOURCES = (WORDLLAMA, SPACY_LEMMAS)


def folder_of(source: WeightsSource) -> Path:
    return BUILD_DIR / source.folder


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def extract(wheel: Path, target: Path, source: WeightsSource) -> None:
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


def install(source: WeightsSource, target: Path) -> None:
    """Download the wheel with pip (hash-checked, no dependencies) and extract the files."""
    with tempfile.TemporaryDirectory(prefix="noc-pretrained-") as tmp:
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


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description="Install the pretrained files (hash-checked).")
    parser.add_argument("command", choices=["install"])
    parser.parse_args(argv)
    for source in SOURCES:
        install(source, folder_of(source))
        print(f"    {source.requirement}: {', '.join(source.files)} in {folder_of(source)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
