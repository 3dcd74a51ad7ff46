"""Migrations that turn plain text columns into sealed ones, existing rows sealed in place.

A column becomes sealed in three steps of one migration:

    migrations.AddField(model, "why_sealed", Sealed(...)),
    seal_existing(app_label, model_name, {"why": "why_sealed"}, child="case__child"),
    migrations.RemoveField(model, "why"), migrations.RenameField(model, "why_sealed", "why"),

`seal_existing` uses the migration's historical models and the crypto primitives only, so
it keeps working whatever the models become later. Each value is sealed under the final
column name (the plain column's), exactly as `vault.seal` seals it. A child anonymised
before the migration has no key: their text is sealed under a key made for it and
forgotten at once, so it is unreadable like every other sealed value of theirs while a
column that must hold a reason still holds one. Reversing opens the values back into
plain columns (empty where the key is gone).
"""

import json
from typing import Any

from django.db import migrations

from apps.core import crypto


def _keys(apps: Any, *, throwaway: bool) -> Any:
    """child id, public id -> the child's data key; for an anonymised child a throwaway key
    (sealing) or None (opening)."""
    child_key = apps.get_model("cases", "ChildKey")
    cache: dict[int, bytes | None] = {}

    def key(child_id: int, public_id: Any) -> bytes | None:
        if child_id not in cache:
            row = child_key.objects.filter(child_id=child_id).values_list("master_key_id", "wrapped").first()
            if row is None or row[1] is None:
                cache[child_id] = crypto.new_data_key() if throwaway else None
            else:
                cache[child_id] = crypto.unwrap(row[0], bytes(row[1]), owner=public_id.bytes)
        return cache[child_id]

    return key


def _context(table: str, column: str, public_id: Any) -> bytes:
    return f"{table}.{column}:{public_id}".encode()


def seal_existing(
    app_label: str, model_name: str, columns: dict[str, str], *, child: str = "case__child"
) -> migrations.RunPython:
    """A RunPython step that seals each plain column's values into its sealed twin.

    `columns` maps plain column -> sealed twin; `child` is the lookup path from the
    model to the child whose key seals its text.
    """

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        table = model._meta.db_table
        key = _keys(apps, throwaway=True)
        rows = model._base_manager.values("pk", f"{child}__id", f"{child}__public_id", *columns)
        for row in rows.iterator(chunk_size=500):
            values = {plain: row[plain] for plain in columns if row[plain] not in (None, "")}
            if not values:
                continue
            child_key = key(row[f"{child}__id"], row[f"{child}__public_id"])
            update: dict[str, Any] = {}
            for plain, twin in columns.items():
                if plain not in values or child_key is None:
                    update[twin] = None
                    continue
                plaintext = json.dumps(values[plain], ensure_ascii=False, sort_keys=True).encode()
                update[twin] = crypto.seal(
                    child_key, plaintext, context=_context(table, plain, row[f"{child}__public_id"])
                )
            model._base_manager.filter(pk=row["pk"]).update(**update)

    def backward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        table = model._meta.db_table
        key = _keys(apps, throwaway=False)
        rows = model._base_manager.values("pk", f"{child}__id", f"{child}__public_id", *columns.values())
        for row in rows.iterator(chunk_size=500):
            child_key = key(row[f"{child}__id"], row[f"{child}__public_id"])
            update: dict[str, Any] = {}
            for plain, twin in columns.items():
                sealed = row[twin]
                if sealed is None or child_key is None:
                    update[plain] = ""
                    continue
                opened = crypto.unseal(
                    child_key, bytes(sealed), context=_context(table, plain, row[f"{child}__public_id"])
                )
                update[plain] = str(json.loads(opened) or "")
            model._base_manager.filter(pk=row["pk"]).update(**update)

    return migrations.RunPython(forward, backward)
