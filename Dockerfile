# Revive: one image for `revive serve`, `revive scheduler` and `revive db upgrade`.
# Build: docker build -t revive .   Run: see docker-compose.yml and docs/deploy.md.
# No secret is baked in: tokens, keys and DATABASE_URL come from the environment at run time.

# --- build: install Revive and its PostgreSQL driver into /install ----------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY store ./store
RUN pip install --prefix=/install ".[postgres]"

# --- run: the installed packages, a user without privileges ---------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=3000
RUN groupadd --system --gid 10001 revive \
    && useradd --system --uid 10001 --gid revive --home-dir /app --shell /usr/sbin/nologin revive \
    && mkdir -p /app \
    && chown revive:revive /app
COPY --from=build /install /usr/local
COPY manifest.yml /app/manifest.yml
WORKDIR /app
USER revive
EXPOSE 3000
# /healthz answers 503 when the database does not (bot/observability/health.py); urllib
# raises on it. python, because the slim image has no curl. Socket Mode and `revive
# scheduler` serve no HTTP: docker-compose.yml turns this check off for them.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3000') + '/healthz', timeout=4)"]
ENTRYPOINT ["revive"]
CMD ["serve"]
