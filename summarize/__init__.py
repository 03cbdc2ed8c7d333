"""Nightly multi-document news briefs: read -> clean -> split -> align -> claims -> cluster -> write -> score -> publish."""

__version__ = "0.1.0"
