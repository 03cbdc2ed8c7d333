"""`python -m summarize.bench` from before the benchmark moved out of the product; it is now
`python -m bench` from a checkout (bench/). This alias keeps jobs that name the old command working."""

import importlib.util
import runpy
import sys

if __name__ == "__main__":
    if importlib.util.find_spec("bench") is None:
        sys.exit("summarize: error: the benchmark runs from a checkout of the project: cd CHECKOUT && python -m bench")
    runpy.run_module("bench", run_name="__main__", alter_sys=True)
