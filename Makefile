# EvalKit Quartiers — two commands: `make run` and `make test`.
# Everything is installed by the project's own files into .venv (system libraries Qt needs are
# installed with apt-get when missing and when run as root, e.g. on CI; LibreOffice headless, for the
# round-trip tests, unless a LibreOffice `soffice` is already there).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM_PACKAGES := libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-dejavu-core poppler-utils \
	libreoffice-calc-nogui libreoffice-writer-nogui

.PHONY: run test bench installer system-deps venv lint demo screenshots clean

run: $(STAMP)
	@$(BIN)/python -m compileall -q desktop_app >/dev/null  # bytecode, as an installed copy has it (fast start)
	$(BIN)/evalkit gui

# The layer contract first (pyproject.toml, [tool.importlinter]), then the suite on two workers:
# whole files per worker, in collection order, the installer build first (tests/conftest.py).
test: $(STAMP)
	$(BIN)/lint-imports
	@url="$$(scripts/pg_test_server.sh start)" || exit 1; \
	EVALKIT_TEST_PG_URL="$$url" EVALKIT_MAKE_TEST=1 QT_QPA_PLATFORM=offscreen \
		$(BIN)/python -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder; \
	status=$$?; scripts/pg_test_server.sh stop; exit $$status

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run.py

installer: $(STAMP)
	$(BIN)/pip install -q -e ".[installer]"
	$(BIN)/pyinstaller --noconfirm --clean build_installer.spec

venv: $(STAMP)

$(STAMP): pyproject.toml | system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
		case $$p in libreoffice-*) command -v soffice >/dev/null 2>&1 && continue;; esac; \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			echo "Installing system packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Missing system packages (install them with apt-get):$$missing"; \
		fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check desktop_app tests benchmarks

demo: $(STAMP)
	rm -f /tmp/evalkit-demo.db*
	$(BIN)/evalkit demo --db /tmp/evalkit-demo.db

# One image per step; the curated ones (a workshop in mode atelier, the Terrain synthesis) come from
# their own scripts, which set the screen up: the generic loop would overwrite them with a plain view.
screenshots: demo
	for v in accueil cadrage actions terrain questionnaires referentiel conseils-citoyens maturite exports; do \
		QT_QPA_PLATFORM=offscreen $(BIN)/evalkit gui --db /tmp/evalkit-demo.db --view $$v --screenshot docs/screenshots/$$v.png; \
	done
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshot_ateliers.py /tmp/evalkit-demo.db
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshot_terrain_synthese.py /tmp/evalkit-demo.db docs/screenshots/terrain-synthese.png

clean:
	rm -rf build dist $(VENV) .pytest_cache
