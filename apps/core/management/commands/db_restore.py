from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.core.backup import BackupError, database_restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by db_backup."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="The backup file.")
        parser.add_argument("--yes", action="store_true", help="Confirm that current data will be replaced.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("Restoring replaces everything in the database; add --yes to confirm.")
        try:
            database_restore(path=Path(options["path"]))
        except BackupError as exc:
            raise CommandError(f"The restore failed and nothing was changed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Database restored from {options['path']}."))
