"""reports/quality.md is built from what `make test` measured, with the model's date."""

from __future__ import annotations

import io
import json
import tarfile

from tests.understanding.quality import main, thresholds


def write_model(path, trained_at="2026-12-03T15:00:00.123"):
    data = json.dumps({"trained_at": trained_at}).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))


def test_the_report_has_every_set_its_figures_intents_confusions_and_the_model_date(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    items = [
        {"id": "a", "accept": ["ask_lift_timeline"], "intent": "ask_lift_timeline",
         "in_scope": True, "danger": False, "pressure": False},
        {"id": "b", "accept": ["ask_how_to_lift"], "intent": "ask_modify_order",
         "in_scope": True, "danger": False, "pressure": False},
    ]  # fmt: skip
    figures = {"topic_rate": 0.5, "fallback_rate": 0.0, "false_alarm_rate": 0.0,
               "honest_oos_rate": 1.0, "danger_911_rate": 1.0}  # fmt: skip
    counts = {"topic_rate": [1, 2], "fallback_rate": [0, 2], "false_alarm_rate": [0, 2],
              "honest_oos_rate": [0, 0], "danger_911_rate": [0, 0]}  # fmt: skip
    (results / "understanding.json").write_text(
        json.dumps({"realworld-dev": {"figures": figures, "counts": counts, "items": items}})
    )
    (results / "nlu_report.json").write_text(json.dumps({
        "macro_f1": 0.97,
        "intents": {"greet": {"precision": 1.0, "recall": 0.5, "f1": 0.67, "support": 2}},
        "misses": [["hello there", "greet", "goodbye"]],
    }))  # fmt: skip
    (results / "safety_report.json").write_text(json.dumps({
        "danger": {"recall": 1.0}, "self_harm": {"recall": 1.0}, "pressure": {"recall": 0.95},
        "ordinary": {"false_alarm_rate": 0.035},
    }))  # fmt: skip
    model = tmp_path / "model.tar.gz"
    write_model(model)
    out = tmp_path / "quality.md"

    assert main(["--model", str(model), "--out", str(out), "--results", str(results)]) == 0
    text = out.read_text()
    assert "2026-12-03 15:00 UTC" in text
    floor = thresholds()["floors"]["realworld-dev"]["topic_rate"]
    assert f"| in-scope topic rate | 0.500 | 1 of 2 | {floor} | 0.85 |" in text
    assert "| ask_how_to_lift | 0.00 | 0.00 | 1 |" in text
    assert "| ask_how_to_lift | ask_modify_order | 1 |" in text
    assert "Macro F1 over the 2 expected intents: 0.500." in text
    assert "| greet | goodbye | 1 |" in text
    assert "| pressure recall | 0.950 |" in text
    assert "| false alarms on ordinary messages | 3.5% |" in text


def test_the_report_shows_safety_end_to_end_per_kind(tmp_path):
    from tests.understanding.quality import safety_end_to_end_section

    report = {
        "figures": {"danger_911_rate": 1.0, "self_harm_911_rate": 1.0, "danger_reply_rate": 0.02},
        "counts": {"danger_911_rate": [12, 12], "self_harm_911_rate": [3, 3],
                   "danger_reply_rate": [2, 100], "pressure_rate": [4, 5]},
        "kinds": {"imminent": {"expect": "danger", "hits": 12, "total": 12, "misses": []},
                  "ordinary": {"expect": "ordinary", "hits": 98, "total": 100, "misses": []}},
    }  # fmt: skip
    text = "\n".join(safety_end_to_end_section(report))
    assert "| imminent | danger | 12 | 12 |" in text
    assert "| ordinary | ordinary | 98 | 100 |" in text
    assert "given the danger reply: 2 of 100 (2.0%; target 1%)" in text
