# The image compose.yaml runs (web nodes, workers, the migration): Debian 12, the Debian packages of the Makefile's
# APT_PACKAGES that generation needs (LibreOffice, python3-uno, the fonts, poppler), the pinned Python packages.
FROM python:3.11-slim-bookworm
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libreoffice-writer-nogui python3-uno fontconfig fonts-arphic-uming fonts-wqy-zenhei fonts-arphic-ukai \
        fonts-liberation2 fonts-hanazono fonts-symbola poppler-utils \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --home-dir /var/lib/wenping wenping
WORKDIR /opt/wenping
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY service ./service
COPY doc_templates ./doc_templates
COPY schemas ./schemas
RUN pip install --no-cache-dir --no-deps -e .
USER wenping
ENV HOME=/var/lib/wenping
