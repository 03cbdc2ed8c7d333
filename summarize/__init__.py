"""Nightly multi-document news briefs: read -> clean -> split -> dedup -> claims -> cluster -> write -> score -> publish."""

__version__ = "0.1.0"
