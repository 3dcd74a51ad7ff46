#!/bin/sh
# Start a Haven container: refuse insecure configuration, migrate when asked, then run
# the command (gunicorn by default; the worker and beat services pass their own).
set -eu

# Every warning from Django's deployment checklist stops the start; the settings module
# itself refuses to load without a secret key, host names and a database URL.
python manage.py check --deploy --fail-level WARNING

# Only one service (web) migrates, so two containers never race on the same migration.
if [ "${HAVEN_MIGRATE:-0}" = "1" ]; then
    python manage.py migrate --noinput
fi

exec "$@"
