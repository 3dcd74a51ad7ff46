"""What a sealed column holds, for tests that check what a service stored.

Tests read the vault directly: they are not a person reading a child's record, and the
scan in test_read_logging.py covers apps/ only.
"""

from typing import Any

from django.db import models

from apps.cases import vault
from apps.cases.models import Case, Child


def stored(record: models.Model, column: str, of: Case | Child | None = None, *, case: Case | None = None) -> str:
    """`record.column` in plain text ("" when nothing was sealed); the child is `of`/`case`'s or the record's case's."""
    holder: Any = case if case is not None else of
    if holder is None:
        holder = record.case  # type: ignore[attr-defined]
    child = holder if isinstance(holder, Child) else holder.child
    return str(vault.open_sealed(child, vault.data_key(child), type(record), column, getattr(record, column)) or "")
