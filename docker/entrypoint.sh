#!/bin/sh
# Start a Haven container: refuse insecure configuration, migrate when asked, then run
# the command (gunicorn by default; the worker and beat services pass their own).
set -eu

# Every warning from Django's deployment checklist stops the start; the settings module
# itself refuses to load without a secret key, host names and a database URL.
python manage.py check --deploy --fail-level WARNING

# Only one service (web) migrates, so two containers never race on the same migration.
# As the owner (DATABASE_OWNER_URL): create or update the application role Haven logs in
# as and give it the use of the rows (nothing changes when all is in place), then migrate.
if [ "${HAVEN_MIGRATE:-0}" = "1" ]; then
    python manage.py db_roles_setup
    python manage.py migrate --noinput
fi

exec "$@"
