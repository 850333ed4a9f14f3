# Two commands: `make book` builds the site, `make test` runs every test. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB     := $(BIN)/jupyter-book

.PHONY: book test test-lib test-notebooks test-site lab execute clean help student grade book-student

help:
	@echo "make book   - set up .venv, execute the notebooks and build the site into _build/html"
	@echo "make test   - set up .venv, build the site, then run every test"
	@echo "make lab    - open the notebooks in JupyterLab"
	@echo "make student - student notebooks (no solutions, no hidden tests), zip and autograder in _build/student"
	@echo "make grade SUBMISSION=path/07_scaling_lab.ipynb [STUDENT=id] - grade one submission locally"
	@echo "make book-student - the site without solutions, in _build/student-site/_build/html"

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

LINTED := scaling_lib tests benchmarks classroom notebooks

test: book book-student
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/ruff check $(LINTED)
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

# Classroom: the student edition and its autograder (nbgrader; offline, no Docker).
student: $(STAMP)
	$(BIN)/python -m classroom.edition student

grade: $(STAMP)
	@test -n "$(SUBMISSION)" || { echo "usage: make grade SUBMISSION=path/to/notebook.ipynb [STUDENT=id]"; exit 2; }
	$(BIN)/python -m classroom.edition grade "$(SUBMISSION)" --student "$(or $(STUDENT),student)"

# The site without solutions (shares the notebook execution cache of `make book`).
book-student: $(STAMP)
	COURSE_EDITION=student $(JB) build . --builder html -n -W --keep-going \
	    --path-output _build/student-site
	@echo "The student site is built. Open: file://$(CURDIR)/_build/student-site/_build/html/index.html"

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf _build
