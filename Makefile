# Two commands: `make book` builds the site, `make test` runs every test. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB     := $(BIN)/jupyter-book

.PHONY: book test test-lib test-notebooks test-site lab execute clean help

help:
	@echo "make book   - set up .venv, execute the notebooks and build the site into _build/html"
	@echo "make test   - set up .venv, build the site, then run every test"
	@echo "make lab    - open the notebooks in JupyterLab"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (scaling-laws)" >/dev/null
	touch $(STAMP)

book: $(STAMP)
	$(JB) build . --builder html -n -W --keep-going
	@echo
	@echo "The course is built. Open: file://$(CURDIR)/_build/html/index.html"

test: book
	$(BIN)/python -m pytest tests scaling_lib notebooks --nbval --nbval-current-env \
	    --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=120 -q

test-lib: $(STAMP)
	$(BIN)/python -m pytest tests scaling_lib -q -m "not site and not browser"

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest notebooks --nbval --nbval-current-env \
	    --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=120 -q

# Re-execute every notebook in place so the committed outputs match a fresh run (then commit).
execute: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=120 notebooks/*.ipynb

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf _build
