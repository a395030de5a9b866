# floorbot: the Telegram bot and its command line, for a deployment with PostgreSQL
# (compose.yaml). Build: docker build -t floorbot .
#
# Debian 12 (bookworm) so that its postgresql-client-15 (pg_dump, pg_restore for
# `floorbot db backup|restore`) matches the postgres:15 server of compose.yaml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install --yes --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY scoring ./scoring
COPY storage ./storage
RUN pip install . && rm -rf /src/build

COPY docker/entrypoint.sh /usr/local/bin/floorbot-entrypoint

RUN useradd --create-home --uid 10001 floorbot
USER floorbot
WORKDIR /home/floorbot

# Webhook and /health listen on every interface inside the container.
ENV FLOORBOT_WEBHOOK_LISTEN=0.0.0.0 \
    FLOORBOT_WEBHOOK_PORT=8443 \
    FLOORBOT_HEALTH_PORT=8080 \
    FLOORBOT_LOG_FORMAT=json
EXPOSE 8443 8080

HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["floorbot", "health", "--http", "http://127.0.0.1:8080/health"]

ENTRYPOINT ["floorbot-entrypoint"]
