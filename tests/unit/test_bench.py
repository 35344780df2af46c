"""The benchmark's arithmetic and report (the benchmark itself runs with `make bench`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench.loadgen import LevelResult, run_level
from bench.report import write_report


def test_percentiles_and_throughput():
    result = LevelResult("ours", "rest", 10, latencies_ms=[float(i) for i in range(1, 101)],
                         errors=2, wall_s=4.0)  # fmt: skip
    assert result.percentile(50) == 50 and result.percentile(95) == 95
    assert result.percentile(99) == 99 and result.throughput == 25.0
    assert result.messages == 102


def test_the_load_generator_refuses_anything_but_loopback():
    with pytest.raises(ValueError, match="loopback"):
        asyncio.run(run_level("ours", "rest", "http://example.org", 1, 1, 1))


def test_report_gives_ratios_and_flags_missed_targets(tmp_path):
    def row(system, p95, rate, think_s=3.0):
        return {"system": system, "channel": "rest", "concurrency": 50, "messages": 100,
                "errors": 0, "lost": 0, "p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p95 * 1.2,
                "throughput": rate, "think_s": think_s}  # fmt: skip

    results = {
        "ours": {"train_s": 200.0, "cold_start_s": 20.0, "servers": 2, "levels": [row("ours", 300, 50), row("ours", 900, 70, 0.0)],
                 "peak_memory_mb": {"rasa": 900, "actions": 120}},
        "stock": {"train_s": 600, "cold_start_s": 25, "levels": [row("stock", 600, 25)],
                  "peak_memory_mb": {"rasa": 1200, "actions": 120}},
        "floor": {"train_s": 6, "cold_start_s": 5, "levels": [row("floor", 100, 150)],
                  "peak_memory_mb": {"rasa": 500, "actions": 110}},
    }  # fmt: skip
    write_report(results, tmp_path / "bench.md", tmp_path / "bench.png")
    text = (tmp_path / "bench.md").read_text()
    assert (
        "| rest | 50 | ours | 100 | 0 | 0 | 150.0 | 300.0 | 360.0 | 50.0 | 0.50x | 3.00x | 2.00x | 0.33x |"
        in text
    )
    assert (
        "| p95 at 50 concurrent conversations, REST | 300.0 ms | <= 250 ms | **no** | n/a |" in text
    )
    assert "| full training | 200.0 s | <= 360 s | yes | n/a |" in text
    assert (
        "| capacity (50 at once, no pauses), REST | 70.0 msg/s | >= 60 msg/s | yes | n/a |" in text
    )
    assert "| errors and lost messages, all levels | 0  | <= 0  | yes | n/a |" in text
    assert (tmp_path / "bench.png").stat().st_size > 1000

    # The next run shows these figures beside its own.
    results["ours"]["train_s"] = 100.0
    write_report(results, tmp_path / "bench.md", tmp_path / "bench.png")
    text = (tmp_path / "bench.md").read_text()
    assert "| full training | 100.0 s | <= 360 s | yes | 200.0 s |" in text
    assert (
        "| p95 at 50 concurrent conversations, REST | 300.0 ms | <= 250 ms | **no** | 300.0 ms |"
        in text
    )


def test_a_message_lost_from_the_tracker_store_misses_the_target(tmp_path):
    row = {"system": "ours", "channel": "rest", "concurrency": 50, "messages": 100, "errors": 0,
           "lost": 1, "p50_ms": 10.0, "p95_ms": 20.0, "p99_ms": 30.0, "throughput": 70.0,
           "think_s": 3.0}  # fmt: skip
    results = {"ours": {"train_s": 100.0, "cold_start_s": 10.0, "servers": 2, "levels": [row],
                        "peak_memory_mb": {"rasa": 700.0, "rasa_total": 1400.0, "actions": 120.0}}}  # fmt: skip
    write_report(results, tmp_path / "bench.md", tmp_path / "bench.png")
    text = (tmp_path / "bench.md").read_text()
    assert "| errors and lost messages, all levels | 1  | <= 0  | **no** | n/a |" in text
    assert "| ours | 2 | 100 | 10.0 | 700 | 1400 | 120 |" in text


def test_soak_memory_growth_counts_from_the_end_of_the_first_minute(tmp_path):
    from bench.soak import growth, write_report

    samples = [{"t": 0, "rasa-0": 300.0}, {"t": 60, "rasa-0": 700.0}, {"t": 600, "rasa-0": 712.0}]
    assert growth(samples, "rasa-0") == 12.0
    assert growth(samples[:2], "rasa-0") is None
    result = {"rate": 10.0, "duration_s": 600.0, "servers": 2, "sent": 6000, "errors": 0,
              "lost": 0, "minutes": {"0": {"messages": 600, "p50": 20.0, "p95": 40.0, "p99": 60.0}},
              "memory": {"rasa-0": {"after_warmup": 700.0, "end": 712.0, "growth": 12.0}}}  # fmt: skip
    write_report(result, tmp_path / "soak.md")
    text = (tmp_path / "soak.md").read_text()
    assert "| 6000 | 0 | 0 | 0 errors, 0 lost: met |" in text
    assert "| rasa-0 | 700 | 712 | +12 |" in text


def test_profile_shares_count_each_function_once_per_stack():
    from bench.profile import inclusive_shares

    collapsed = (
        "main (rasa/__main__.py:1);handle (rasa/core/processor.py:5);"
        "handle (rasa/core/processor.py:9) 3\n"
        "main (rasa/__main__.py:1);save (rasa/core/tracker_store.py:7) 1\n"
    )
    total, counts = inclusive_shares(collapsed)
    assert total == 4
    assert counts["main (rasa/__main__.py)"] == 4
    assert counts["handle (rasa/core/processor.py)"] == 3  # recursion is not counted twice


def test_stock_can_train_for_fewer_epochs_and_the_report_says_so(tmp_path, monkeypatch):
    import yaml

    from bench import run

    monkeypatch.setattr(run, "WORK", tmp_path)
    config = yaml.safe_load(Path(run.stock_config(10)).read_text(encoding="utf-8"))
    epochs = {p["name"]: p.get("epochs") for p in config["pipeline"] + config["policies"]}
    assert epochs["DIETClassifier"] == epochs["TEDPolicy"] == 10
    assert epochs["ResponseSelector"] == epochs["UnexpecTEDIntentPolicy"] == 10
    assert "epochs" not in [k for p in config["pipeline"] if p["name"] == "WhitespaceTokenizer"
                            for k in p]  # fmt: skip

    row = {"system": "stock", "channel": "rest", "concurrency": 50, "messages": 10, "errors": 0,
           "lost": 0, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0, "throughput": 9.0,
           "think_s": 3.0}  # fmt: skip
    results = {"stock": {"train_s": 300.0, "epochs": 10, "cold_start_s": 30.0, "levels": [row],
                         "peak_memory_mb": {"rasa": 1000.0, "actions": 100.0}}}  # fmt: skip
    write_report(results, tmp_path / "bench.md", tmp_path / "bench.png")
    assert "| stock | 1 | 300 (10 epochs, not 100) |" in (tmp_path / "bench.md").read_text()
