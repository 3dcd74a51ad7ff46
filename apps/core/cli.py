"""Entry point for manage.py: a failure a person can fix is one sentence, not a traceback."""

import sys

from django.core.exceptions import ImproperlyConfigured


def _database_target() -> str:
    try:
        from django.conf import settings

        db = settings.DATABASES["default"]
        return f"{db.get('HOST') or 'embedded server'}:{db.get('PORT') or ''}/{db.get('NAME')}"
    except Exception:  # noqa: BLE001
        return "the configured database"


def run_management_command(argv: list[str]) -> int:
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    from config.embedded_db import EmbeddedDatabaseError

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"haven: configuration problem: {exc}", file=sys.stderr)
        return 2
    except EmbeddedDatabaseError as exc:
        print(f"haven: the embedded database could not start: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(
            f"haven: cannot reach the database at {_database_target()} ({first_line}). "
            "Check DATABASE_URL, or unset it to use the embedded server.",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
