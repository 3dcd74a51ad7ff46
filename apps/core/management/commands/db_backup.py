from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.core.backup import BackupError, database_backup


class Command(BaseCommand):
    help = "Back up the database to a file (pg_dump custom format)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", nargs="?", help="Where to write; default .haven/backups/haven-<time>.dump")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        path = Path(options["path"] or settings.HAVEN_STATE_DIR / "backups" / f"haven-{stamp}.dump")
        try:
            database_backup(path=path)
        except BackupError as exc:
            raise CommandError(f"The backup failed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path} ({path.stat().st_size} bytes)."))
