# The two commands of the README: `make lab` and `make test`. Both set up .venv once and reuse it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_ARGS ?= --ip=127.0.0.1 --port=8888
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

export TF_CPP_MIN_LOG_LEVEL ?= 2
export TF_ENABLE_ONEDNN_OPTS ?= 0
export PYTHONHASHSEED ?= 0

.PHONY: lab test test-jax test-slow docs setup export sync check-sync readme clean-venv run

# The pinned set goes in first, then the library as an editable install (nbdev_export must run before pip -e).
$(STAMP): requirements-dev.txt settings.ini setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/nbdev_export
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

setup: $(STAMP)

export: $(STAMP)
	$(BIN)/nbdev_export

lab: export
	@echo "Opening the lessons in nbs/ (stop with Ctrl-C)"
	$(BIN)/jupyter lab nbs $(LAB_ARGS) $(ROOT_FLAG)

test: export
	$(BIN)/python tools/run_tests.py

# every notebook's fast cells again, on Keras's JAX backend (the pytest suite already covers both backends).
# JAX_SKIP: notebooks to leave out there (none: every lesson's asserts hold on both backends)
JAX_SKIP ?=
test-jax: export
	KERAS_BACKEND=jax $(BIN)/python tools/run_tests.py --notebooks-only $(if $(JAX_SKIP),--skip '$(JAX_SKIP)')

# the lessons as a static site in build/site/, from the committed notebooks (nothing executed, nothing downloaded)
docs: export
	$(BIN)/python tools/build_site.py

test-slow: export
	$(BIN)/python tools/run_tests.py --flags slow

readme: $(STAMP)
	$(BIN)/python tools/make_readme.py

sync: export readme
	$(BIN)/python tools/fold_solutions.py
	$(BIN)/python tools/tidy_progress.py
	$(BIN)/nbdev_clean

# CI's sync checks (.ci/run and the GitHub workflow): the library, the notebooks and the README must be what the notebooks make
check-sync: export
	$(BIN)/nbdev_clean
	$(BIN)/python tools/make_readme.py --check
	$(BIN)/python tools/fold_solutions.py --check
	$(BIN)/python tools/tidy_progress.py --check
	@if ! git diff --quiet -- vae_lessons nbs README.md || [ -n "$$(git status --porcelain --untracked-files=all -- vae_lessons)" ]; then \
	  echo "Out of sync: vae_lessons/ must be what nbdev_export makes of nbs/, and notebooks must be nbdev_clean'ed:"; \
	  git status --short -- vae_lessons nbs README.md; git diff --stat -- vae_lessons nbs README.md; exit 1; fi

clean-venv:
	rm -rf $(VENV)

# Execute notebooks in place for committing (NB="nbs/lessons/X.ipynb ..."; KEEP_SLOW=1 skips #| slow cells and keeps their outputs)
run: export
	$(BIN)/python tools/run_notebook.py $(if $(KEEP_SLOW),--keep-slow) $(NB)
