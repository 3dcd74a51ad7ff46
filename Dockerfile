# Haven's production image: gunicorn serving config.wsgi, the same image runs the Celery
# worker and beat (see docker-compose.yml). Build with: docker build -t haven .

# --- Stage 1: the locked dependencies, installed with uv into /app/.venv -----------------
FROM python:3.11-slim AS deps

# Same uv version as haven.py, so the lock file is read the same way everywhere.
RUN pip install --no-cache-dir uv==0.13.8

ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_NO_CACHE=1

WORKDIR /app
COPY pyproject.toml uv.lock ./
# --locked: fail if uv.lock does not match pyproject.toml; --no-dev: no test tools in production.
RUN uv sync --locked --no-dev --python /usr/local/bin/python3.11


# --- Stage 2: the runtime image ----------------------------------------------------------
FROM python:3.11-slim AS runtime

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    HAVEN_STATE_DIR=/var/lib/haven \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    WEB_CONCURRENCY=3

# An unprivileged user owns the writable folders; the code itself stays owned by root.
RUN groupadd --system --gid 10001 haven \
    && useradd --system --uid 10001 --gid haven --home-dir /home/haven --create-home --shell /usr/sbin/nologin haven \
    && mkdir -p /var/lib/haven /backups \
    && chown haven:haven /var/lib/haven /backups

WORKDIR /app
COPY --from=deps /app/.venv /app/.venv
COPY . /app
RUN chmod 0755 /app/docker/entrypoint.sh

# Static files are collected once, at build time, with the production storage (hashed names,
# compressed). Production settings refuse to load without a secret key, host names and a
# database URL, so this one command gets throwaway values; nothing connects to them.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret-collectstatic-needs-fifty-characters \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build:build@127.0.0.1:5432/build \
    HAVEN_MASTER_KEYS=build:YnVpbGQtb25seS1ub3QtYS1rZXktbm90LWEta2V5LTE \
    HAVEN_SEARCH_KEY=YnVpbGQtb25seS1ub3QtYS1rZXktbm90LWEta2V5LTE \
    python manage.py collectstatic --noinput

USER haven:haven

EXPOSE 8000

ENTRYPOINT ["/app/docker/entrypoint.sh"]
# No --access-logfile: gunicorn's access log (off by default) would record query strings;
# Haven writes its own access log without them. Worker count comes from WEB_CONCURRENCY.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--timeout", "60", "--worker-tmp-dir", "/dev/shm", "--no-control-socket"]
