# Set-up and everyday commands. `make run` and `make test` are all a newcomer needs:
# both create .venv/, install the pinned packages and the Debian packages the
# documents need, and are safe to run again.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

# Debian packages: LibreOffice for PDF (and Calc, to open the clerk's workbook in its tests); the free stand-ins
# for the official faces (see service/pdf/fonts.conf): the Fandol faces of texlive-lang-chinese (the only Debian
# package carrying them, about 100 MB with its TeX dependencies), from which `make fonts` makes the TrueType
# FandolFang (仿宋) and FandolSong Bold (小标宋), UMing CN (宋体), WenQuanYi Zen Hei (黑体), UKai CN (楷体);
# fall-back faces for characters those lack (Hanazono: all of CJK Ext-A to Ext-F, e.g. 𠮷 U+20BB7; Symbola:
# monochrome emoji — not fonts-noto-color-emoji, which LibreOffice 7.4 prints blank; not fonts-noto-cjk, CFF
# faces that LibreOffice 7.4 cannot embed the same way twice); poppler for reading PDFs back, Chromium for the
# form's browser tests, PostgreSQL for the register's tests, Redis as the jobs' broker in the jobs tests.
APT_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui python3-uno fontconfig texlive-lang-chinese fonts-arphic-uming \
	fonts-wqy-zenhei fonts-arphic-ukai fonts-liberation2 fonts-hanazono fonts-symbola poppler-utils chromium \
	postgresql redis-server
# Where `make fonts` puts the TrueType Fandol faces (a system font folder: every process's fontconfig sees it).
FONT_DIR := /usr/local/share/fonts/wenping

.PHONY: run test venv sysdeps fonts schema settings-doc templates bench clean

run: venv sysdeps fonts
	$(BIN)/wenping serve --host 127.0.0.1 --port 8000

test: venv sysdeps fonts
	$(BIN)/python -m pytest $(PYTEST_ARGS)

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

sysdeps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian packages: $$missing"; \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
		else \
			echo "Missing Debian packages. Run as root:"; \
			echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $$missing"; \
			exit 1; \
		fi; \
	fi

# The TrueType copies of FandolFang and FandolSong Bold (service/pdf/truetype.py; about a minute each, once).
fonts: venv sysdeps
	@if [ ! -f $(FONT_DIR)/FandolFang-Regular.ttf ] || [ ! -f $(FONT_DIR)/FandolSong-Bold.ttf ]; then \
		if [ -w "$$(dirname $(FONT_DIR))" ] || [ "$$(id -u)" = 0 ]; then \
			$(BIN)/python -m service.pdf.truetype $(FONT_DIR) && fc-cache $(FONT_DIR); \
		else \
			echo "Run as root once: make fonts"; exit 1; \
		fi; \
	fi

# Benchmarks (not part of `make test`): medians beside baselines measured in the same run.
bench: venv sysdeps fonts
	@for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; echo; done

# Regenerate what is generated from the models: the committed JSON Schemas, the field tables of docs/
# and the templates' variable reference.
schema: venv
	$(BIN)/wenping schema > schemas/case.schema.json
	$(BIN)/python -m service.model.period_schema > schemas/period.schema.json
	$(BIN)/python -m service.model.docs
	$(BIN)/python -m service.risk.docs docs/case.md
	$(BIN)/python -m service.render.contract doc_templates/README.md

# Rewrite the settings table in README.md from service/settings.py.
settings-doc: venv
	$(BIN)/python -m service.settings README.md

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
