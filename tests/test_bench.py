"""The benchmark: its statistics, the peers, the scaling run, and a whole run on two small clusters."""

from __future__ import annotations

import json

import numpy as np
import pytest

import summarize.config
from bench.peers import cut_to_budget, lead_round_robin, sumy_ranker
from bench.quality import bootstrap_interval, rouge_over_references, run_bench
from bench.many_articles import write_event
from bench.scaling import measure, synthetic_sentences
from summarize.config import compose
from summarize.nlp.sentence_splitter import install_punkt_tab

DOCS = [
    "Lee met Xi in Beijing on Monday. They signed fifteen agreements. Trade was the main topic.",
    "The South Korean president arrived in China on Sunday. Business leaders came with him. Samsung was there.",
]


@pytest.fixture(scope="module", autouse=True)
def punkt_tab(tmp_path_factory):
    install_punkt_tab(tmp_path_factory.mktemp("nltk_data"))


def test_bootstrap_interval_brackets_the_mean_and_is_reproducible():
    values = np.array([10.0, 12.0, 14.0, 16.0, 18.0, 20.0])
    low, high = bootstrap_interval(values, 500, seed=0)
    assert low < values.mean() < high
    assert (low, high) == bootstrap_interval(values, 500, seed=0)
    assert bootstrap_interval(np.full(5, 7.0), 100, seed=1) == (7.0, 7.0)


def test_rouge_is_averaged_over_references():
    summary = ["Lee met Xi in Beijing on Monday."]
    both = rouge_over_references(summary, ["Lee met Xi in Beijing on Monday.", "Markets fell in Tokyo today."])
    first = rouge_over_references(summary, ["Lee met Xi in Beijing on Monday."])
    second = rouge_over_references(summary, ["Markets fell in Tokyo today."])
    assert first["rouge1_f1"] == pytest.approx(100.0)
    assert both["rouge1_f1"] == pytest.approx((first["rouge1_f1"] + second["rouge1_f1"]) / 2)
    assert set(both) == {f"{m}_{k}" for m in ("rouge1", "rouge2", "rougeLsum") for k in ("f1", "recall")}


def test_lead_takes_first_sentences_round_robin_and_cuts_to_the_budget():
    assert lead_round_robin(DOCS, 100).startswith(
        "Lee met Xi in Beijing on Monday. The South Korean president arrived in China on Sunday. They signed"
    )
    assert len(lead_round_robin(DOCS, 9).split()) == 9
    assert cut_to_budget(["a b c", "d e"], 4) == "a b c d"


@pytest.mark.parametrize("algorithm", ["lexrank", "textrank"])
def test_sumy_peers_return_document_sentences_within_budget(algorithm):
    summarize = sumy_ranker(algorithm)
    summary = summarize(DOCS, 15)
    assert len(summary.split()) == 15
    assert summary.split()[0] in " ".join(DOCS)
    assert summarize(DOCS, 15) == summary


def test_synthetic_sentences_plant_near_duplicates():
    sentences, topic_of = synthetic_sentences(500)
    assert len(sentences) == 500 and len({s.text for s in sentences}) == len(topic_of)
    assert len({s.outlet for s in sentences}) == 8


def test_many_articles_events_are_small_varied_and_reproducible(tmp_path):
    first, again = tmp_path / "first", tmp_path / "again"
    first.mkdir(), again.mkdir()

    assert write_event(first, 40) == write_event(again, 40) == 20
    texts = [p.read_text(encoding="utf-8") for p in sorted(first.iterdir())]
    assert texts == [p.read_text(encoding="utf-8") for p in sorted(again.iterdir())]
    assert all(t.startswith("date 2026-01-0") and len(t.splitlines()) == 2 for t in texts)
    assert len(set(texts)) == 20  # recombined sentences and varied numbers: no two articles alike


def test_scaling_measure_aligns_and_clusters():
    row = measure(300, [])
    assert row["size"] == 300
    assert 200 < row["unique"] < 300  # about one in five is a near-duplicate
    assert row["subtopics"] >= 2 and row["seconds"] > 0 and row["peak_mib"] > 0


@pytest.mark.slow
def test_bench_run_on_two_clusters(tmp_path):
    articles = sorted((summarize.config.PROJECT_ROOT / "data" / "lee_beijing").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in articles]
    data = tmp_path / "clusters.jsonl"
    data.write_text(
        "\n".join(
            json.dumps({"id": f"c{i}", "documents": docs, "references": [docs[0][:600]]})
            for i, docs in enumerate([texts[1:4], texts[2:5]])
        )
        + "\n"
    )
    cfg = compose(
        f"data={data}", "scaling_sizes=[300,600]", "bootstrap_samples=50", "budget_words=[120,60]", config_name="bench/default"
    )
    results = run_bench(cfg, tmp_path)

    saved = json.loads((tmp_path / "results.json").read_text())
    assert set(saved["systems"]) == {"summarize", "lead", "lexrank", "textrank"}
    for system in saved["systems"].values():
        assert {"rouge1", "rouge2", "rougeLsum", "sec_per_cluster"} <= set(system)
        assert 0 <= system["rouge2"] <= 100 and system["words"] <= 120
    assert saved["clusters"] == 2 and set(saved["paired"]) == {"lead", "lexrank", "textrank"}
    # Every system at every budget, each cut to it; the first budget's figures also stand at the top.
    assert set(saved["budgets"]) == {"120", "60"} and saved["budget_words"] == 120
    for budget, entry in saved["budgets"].items():
        assert set(entry["systems"]) == set(saved["systems"]) and set(entry["paired"]) == set(saved["paired"])
        assert all(len(rows) == 2 for rows in entry["per_cluster"].values())
        assert all(row["words"] <= int(budget) for rows in entry["per_cluster"].values() for row in rows)
    assert saved["budgets"]["120"]["systems"] == saved["systems"]
    assert "## 60 words" in (tmp_path / "results.md").read_text()
    assert [r["size"] for r in saved["scaling"]] == [300, 600] and "growth_per_doubling" in saved["scaling"][1]
    # Load time is reported apart (0 when an earlier test in this process loaded the models already).
    assert set(results["ours"]["load_seconds"]) == {"embed", "model", "parser"}
    assert all(seconds >= 0 for seconds in results["ours"]["load_seconds"].values())
    assert "| summarize |" in (tmp_path / "results.md").read_text()
    for chart in ("rouge.png", "seconds.png", "scaling.png"):
        assert (tmp_path / chart).read_bytes()[:4] == b"\x89PNG"
