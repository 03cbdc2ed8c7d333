"""The summarisers a user would otherwise run, for the benchmark: lead sentences round-robin over
the articles, and sumy's LexRank and TextRank. Each returns its summary cut to the word budget.

sumy is an optional extra (`pip install -e '.[bench]'`); it loads NLTK's punkt_tab data, which
`summarize.nlp.sentence_splitter.install_punkt_tab` writes offline before these run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from summarize.nlp.sentence_splitter import punkt_tokenizer


def cut_to_budget(sentences: Sequence[str], budget_words: int) -> str:
    words = " ".join(sentences).split()
    return " ".join(words[:budget_words])


def lead_round_robin(documents: Sequence[str], budget_words: int) -> str:
    """The first sentence of each article, then the second of each, ... until the budget is reached."""
    tokenizer = punkt_tokenizer()
    per_document = [tokenizer.tokenize(" ".join(d.split())) for d in documents]
    chosen: list[str] = []
    words = 0
    for rank in range(max((len(s) for s in per_document), default=0)):
        for sentences in per_document:
            if rank < len(sentences) and words < budget_words:
                chosen.append(sentences[rank])
                words += len(sentences[rank].split())
    return cut_to_budget(chosen, budget_words)


def sumy_ranker(algorithm: str) -> Callable[[Sequence[str], int], str]:
    """A summariser that takes sumy's best-rated sentences until the budget, in document order."""
    from sumy.nlp.stemmers import Stemmer
    from sumy.nlp.tokenizers import Tokenizer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    summarizer_class = {"lexrank": LexRankSummarizer, "textrank": TextRankSummarizer}[algorithm]
    tokenizer = Tokenizer("english")

    class RatingSummarizer(summarizer_class):
        # sumy returns only the top-N sentences; the budget needs every rating.
        def _get_best_sentences(self, sentences, count, rating, *args, **kwargs):
            self.ratings = rating if isinstance(rating, dict) else {s: rating(s) for s in sentences}
            return ()

    summarizer = RatingSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")

    def summarize(documents: Sequence[str], budget_words: int) -> str:
        document = PlaintextParser.from_string("\n\n".join(documents), tokenizer).document
        summarizer(document, 1)
        order = {sentence: index for index, sentence in enumerate(document.sentences)}
        chosen, words = [], 0
        for sentence in sorted(document.sentences, key=lambda s: -summarizer.ratings[s]):
            if words >= budget_words:
                break
            chosen.append(sentence)
            words += len(str(sentence).split())
        return cut_to_budget([str(s) for s in sorted(chosen, key=order.get)], budget_words)

    return summarize


def build_peers(names: Sequence[str]) -> dict[str, Callable[[Sequence[str], int], str]]:
    peers: dict[str, Callable[[Sequence[str], int], str]] = {}
    for name in names:
        peers[name] = lead_round_robin if name == "lead" else sumy_ranker(name)
    return peers
