"""Stage: score the brief: ROUGE against a reference when there is one, and reference-free figures always."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from rouge_score import rouge_scorer

from summarize.nlp.sentence_splitter import punkt_tokenizer
from summarize.settings import ScoreSettings
from summarize.types import Article, Brief, EventWork, Models


def rouge(summary_sentences: Sequence[str], reference: str, settings: ScoreSettings) -> dict[str, dict[str, float]]:
    """F1, precision and recall in percent. rougeLsum wants one sentence per line on both sides."""
    scorer = rouge_scorer.RougeScorer(list(settings.rouge_types), use_stemmer=settings.use_stemmer)
    reference_lines = "\n".join(punkt_tokenizer().tokenize(reference))
    scores = scorer.score(reference_lines, "\n".join(summary_sentences))
    return {
        name: {
            "f1": round(100 * s.fmeasure, 2),
            "precision": round(100 * s.precision, 2),
            "recall": round(100 * s.recall, 2),
        }
        for name, s in scores.items()
    }


def score_brief(brief: Brief, articles: Sequence[Article], reference: str | None, settings: ScoreSettings) -> dict:
    """Reference-free figures of the brief against the cleaned `articles`, and ROUGE when there is a reference."""
    sentences = brief.sentences
    source_words = sum(len(a.text.split()) for a in articles)
    scores: dict = {
        "words": brief.word_count,
        "sentences": len(sentences),
        "subtopics": len(brief.sections),
        "source_words": source_words,
        # How many times shorter the brief is than the cleaned articles.
        "compression": round(source_words / brief.word_count, 2) if brief.word_count else None,
        "share_backed_by_2plus_outlets": (
            round(sum(len(s.outlets) >= 2 for s in sentences) / len(sentences), 3) if sentences else 0.0
        ),
        "outlets_cited": len({o for s in sentences for o in s.outlets}),
        # Outlets carrying copies of one article count once, as the brief counts them.
        "mean_outlets_per_sentence": round(sum(brief.support(s) for s in sentences) / len(sentences), 2) if sentences else 0.0,
        "disagreements_flagged": len(brief.disagreements),
    }
    if reference is not None:
        scores["rouge"] = rouge([s.text for s in sentences], reference, settings)
    return scores


class ScoreStage:
    """The brief scored: ROUGE against a reference when there is one, and reference-free figures always."""

    reads = ("reference", "cleaned", "brief")
    writes = ("scores",)

    def __init__(self, settings: ScoreSettings, models: Models):
        self.settings = settings

    def __call__(self, work: EventWork) -> tuple[EventWork, dict]:
        scores = score_brief(work.brief, work.cleaned, work.reference, self.settings)
        return dataclasses.replace(work, scores=scores), {k: v for k, v in scores.items() if k != "rouge"}
