"""python -m bench [data=PATH] [budget_words=N] [model=NAME] [limit=N]: see bench/quality.py."""

from bench.quality import main

main()
