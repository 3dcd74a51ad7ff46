from typing import Any

from django.core.management.base import BaseCommand

from apps.cases.services import master_keys_rotate
from apps.core import crypto


class Command(BaseCommand):
    help = (
        "Re-wrap every child's data key with the current master key (the first in HAVEN_MASTER_KEYS). "
        "Put the new key first, keep the old one after it, run this, then remove the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        current = crypto.master_keys()[0].key_id
        rotated = master_keys_rotate()
        self.stdout.write(
            self.style.SUCCESS(f"{rotated} data keys re-wrapped; all are now under master key {current!r}.")
        )
