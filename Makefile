# Set-up and everyday commands. `make run` and `make test` are all a newcomer needs:
# both create .venv/, install the pinned packages and the Debian packages the
# documents need, and are safe to run again.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

# Debian packages: LibreOffice for PDF; the closest free faces to the official ones (see
# service/pdf/fonts.conf): FandolFang / FandolKai for 仿宋 / 楷体 (texlive-lang-chinese — the only Debian
# package carrying the Fandol faces, about 100 MB with its TeX dependencies), Noto Serif CJK SC Bold for
# 小标宋 and Noto Sans CJK SC for 黑体 (fonts-noto-cjk); the older UMing / UKai / Zen Hei faces as second
# choices; fall-back faces for characters those lack (Hanazono: all of CJK Ext-A to Ext-F, e.g. 𠮷 U+20BB7;
# Symbola: monochrome emoji — not fonts-noto-color-emoji, which LibreOffice 7.4 prints blank); poppler
# for reading PDFs back, Chromium for the form's browser tests, PostgreSQL for the register's tests.
APT_PACKAGES := libreoffice-writer-nogui python3-uno fontconfig texlive-lang-chinese fonts-noto-cjk \
	fonts-arphic-uming fonts-wqy-zenhei fonts-arphic-ukai fonts-liberation2 fonts-hanazono fonts-symbola \
	poppler-utils chromium postgresql

.PHONY: run test venv sysdeps schema settings-doc templates bench clean

run: venv sysdeps
	$(BIN)/wenping serve --host 127.0.0.1 --port 8000

test: venv sysdeps
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

# Benchmarks (not part of `make test`): medians beside baselines measured in the same run.
bench: venv sysdeps
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
