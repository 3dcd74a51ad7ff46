from typing import Any

from django.core.management.base import BaseCommand

from apps.core.crypto import new_key_text


class Command(BaseCommand):
    help = "Print a new random 32-byte key for HAVEN_MASTER_KEYS (as id:key) or HAVEN_SEARCH_KEY."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--id", help="Key id for a master key, e.g. 2026-11; without it, a bare key.")

    def handle(self, *args: Any, **options: Any) -> None:
        key = new_key_text()
        self.stdout.write(f"{options['id']}:{key}" if options["id"] else key)
