# Two commands set everything up on a fresh machine (each makes its own virtualenv):
#   make demo   run the action's main job on the bundled examples/ project
#   make test   run the whole test suite (lint, types, unit, integration, workflows, container)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_OUT ?= demo-output

.PHONY: demo test venv lint typecheck pytest lock bench screenshots readme-tables clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

demo: venv
	@rm -rf $(DEMO_OUT) && mkdir -p $(DEMO_OUT)
	@echo "== importspy-action run on examples/ (some modules break their contracts on purpose)"
	@status=0; $(VENV)/bin/importspy-action run --workspace examples \
	    --contracts 'src/plugins/*.py' --contracts 'src/core/api.py: contracts/api.yml' \
	    --json-report $(CURDIR)/$(DEMO_OUT)/importspy-report.json \
	    --sarif $(CURDIR)/$(DEMO_OUT)/importspy.sarif \
	    --summary-file $(CURDIR)/$(DEMO_OUT)/summary.md || status=$$?; \
	echo; echo "== files written to $(DEMO_OUT)/:"; ls -l $(DEMO_OUT); \
	echo; echo "== $(DEMO_OUT)/summary.md (the job summary)"; cat $(DEMO_OUT)/summary.md; \
	echo; echo "== $(DEMO_OUT)/importspy-report.json and importspy.sarif, in short"; \
	$(PY) -c 'import json,sys; r=json.load(open(sys.argv[1])); s=json.load(open(sys.argv[2])); \
	print("JSON report: schema", r["schema_version"], "| result", r["result"], "| counts", r["counts"]); \
	res=s["runs"][0]["results"]; print("SARIF", s["version"], "|", len(res), "results, e.g.", \
	res[0]["ruleId"], "at", res[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) if res else None' \
	    $(DEMO_OUT)/importspy-report.json $(DEMO_OUT)/importspy.sarif; \
	echo; case $$status in \
	  0) echo "Demo completed: every gate passed (exit 0).";; \
	  1) echo "Demo completed: the gates failed as the examples intend (exit 1).";; \
	  *) echo "Demo did not complete: exit $$status"; exit $$status;; \
	esac

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv
	$(VENV)/bin/mypy

pytest: venv
	$(VENV)/bin/pytest

test: lint typecheck pytest

# Regenerate the hash-pinned lock the Dockerfile installs from (all platforms, Python >= 3.10).
lock: venv
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.10 \
	    --generate-hashes --no-header -o requirements.lock

bench: venv
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/contracts.py
	$(PY) benchmarks/contract_workers.py
	$(PY) benchmarks/checks_api.py
	$(PY) benchmarks/coverage.py
	$(PY) benchmarks/lint.py
	$(PY) benchmarks/api_breaks.py
	$(PY) benchmarks/baseline.py
	$(PY) benchmarks/hostile_inputs.py

# The README's pictures, from a real run (needs Chromium and npm; not part of `make test`).
screenshots: venv
	$(PY) scripts/render_screenshots.py

# The README's inputs/outputs tables from action.yml (a test fails when they drift).
readme-tables: venv
	$(PY) scripts/gen_readme_tables.py

clean:
	rm -rf $(VENV) $(DEMO_OUT) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
