# The two README commands are `make demo` and `make test`; the other targets are what they call.
# Everything runs inside .venv, which is created and filled on first use.

PY    := .venv/bin/python
DEMO  ?= tour
ARGS  ?=
PYTEST_ARGS ?=
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: venv dot test test-slow demo notebooks bench images clean

# venv: create .venv and `pip install -e .[dev,plots]` (tests, notebooks, matplotlib plots, progress
# bars, BLAS thread control); reinstall only when the packaging files change (or the package's
# __init__.py does: an editable install maps only the packages present at install time).
venv: .venv/.installed-dev-plots

.venv/bin/python:
	@scripts/make_venv.sh

.venv/.installed-dev-plots: setup.cfg pyproject.toml $(wildcard tinygrad_rnn/__init__.py) | .venv/bin/python
	$(PY) -m pip install -q -e '.[dev,plots]'
	@touch $@

# dot: make sure Graphviz's `dot` is on PATH (apt-get as root, else say how to install it).
dot:
	@scripts/ensure_dot.sh

# test: the fast test suite (`make test PYTEST_ARGS="-k lstm -x"` to narrow it).
test: venv dot
	$(PY) -m pytest -q $(PYTEST_ARGS)

# test-slow: only the long property-based runs that `make test` skips.
test-slow: venv dot
	$(PY) -m pytest -q -m slow $(PYTEST_ARGS)

# demo: run demos/$(DEMO).py, the tour by default (`make demo DEMO=... ARGS=...`); images go to out/.
# One BLAS thread: the demos' matrices are small, and extra threads only spin (demos/_common.py pins
# it too, for runs without make).
demo: export OPENBLAS_NUM_THREADS := 1
demo: export OMP_NUM_THREADS := 1
demo: export MKL_NUM_THREADS := 1
demo: venv dot
	$(PY) demos/$(DEMO).py $(ARGS)

# notebooks: re-run every notebook and store it with its outputs (so it reads on a repository host).
notebooks: venv dot
	$(PY) tests/test_notebooks.py

# bench: run each benchmarks/*.py in name order, single-threaded BLAS so timings are comparable.
bench: export OPENBLAS_NUM_THREADS := 1
bench: export OMP_NUM_THREADS := 1
bench: export MKL_NUM_THREADS := 1
bench: venv
	@set -e; for f in $(sort $(filter-out benchmarks/_%,$(wildcard benchmarks/*.py))); do \
	  echo "== $$f"; $(PY) $$f; done

# images: redraw docs/img/*.svg and rerun every demo for its README picture in docs/img/demos/
# (about 2 minutes; installs the plots extra).
images: venv dot
	$(PY) scripts/make_images.py docs/img

# clean: remove outputs, build artifacts and caches (keeps .venv).
clean:
	rm -rf out build dist *.egg-info .pytest_cache .hypothesis
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +
