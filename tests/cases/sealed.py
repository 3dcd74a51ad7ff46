"""What a sealed column holds, for tests that check what a service stored.

Tests read the vault directly: they are not a person reading a child's record, and the
scan in test_read_logging.py covers apps/ only.
"""

from typing import Any

from django.db import connection, models

from apps.cases import vault
from apps.cases.models import Case, Child


def stored(record: models.Model, column: str, of: Case | Child | None = None, *, case: Case | None = None) -> str:
    """`record.column` in plain text ("" when nothing was sealed); the child is `of`/`case`'s or the record's case's."""
    holder: Any = case if case is not None else of
    if holder is None:
        holder = record.case  # type: ignore[attr-defined]
    child = holder if isinstance(holder, Child) else holder.child
    return str(vault.open_sealed(child, vault.data_key(child), type(record), column, getattr(record, column)) or "")


def raw(record: models.Model, column: str) -> bytes | None:
    """`record.column`'s bytes exactly as the database holds them (what a dump shows)."""
    table = connection.ops.quote_name(record._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s", [record.pk])  # noqa: S608
        (value,) = cursor.fetchone()
    return bytes(value) if value is not None else None
