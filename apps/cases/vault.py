"""Sealing and opening a child's values with the child's own data key.

A sealed value is JSON, encrypted, and bound to its place (table, column, child): the
same ciphertext moved anywhere else does not open.
"""

import json
from typing import Any

from django.db import models

from apps.cases.models import Child, ChildKey
from apps.core import crypto


def _context(child: Child, model: type[models.Model] | models.Model, column: str) -> bytes:
    return f"{model._meta.db_table}.{column}:{child.public_id}".encode()


def data_key_new() -> bytes:
    """A fresh data key: values can be sealed with it before the child's row exists."""
    return crypto.new_data_key()


def data_key_create(child: Child, key: bytes | None = None) -> ChildKey:
    key_id, wrapped = crypto.wrap(key or crypto.new_data_key(), owner=child.public_id.bytes)
    return ChildKey.objects.create(child=child, master_key_id=key_id, wrapped=wrapped)


def data_key(child: Child) -> bytes:
    """The child's data key; KeyUnavailable once the child is anonymised."""
    record = ChildKey.objects.filter(child=child).values_list("master_key_id", "wrapped").first()
    if record is None or record[1] is None:
        raise crypto.KeyUnavailable("this child's data key was destroyed")
    return crypto.unwrap(record[0], bytes(record[1]), owner=child.public_id.bytes)


def data_keys(children: list[Child]) -> dict[int, bytes | None]:
    """The data keys of several children in one query (a list page); None for an anonymised child."""
    rows = ChildKey.objects.filter(child__in=[c.pk for c in children]).values_list(
        "child_id", "master_key_id", "wrapped"
    )
    wrapped = {child_id: (key_id, blob) for child_id, key_id, blob in rows if blob is not None}
    keys: dict[int, bytes | None] = dict.fromkeys((c.pk for c in children), None)
    for child in children:
        if child.pk in wrapped:
            key_id, blob = wrapped[child.pk]
            keys[child.pk] = crypto.unwrap(key_id, bytes(blob), owner=child.public_id.bytes)
    return keys


def seal(child: Child, key: bytes, model: type[models.Model] | models.Model, column: str, value: Any) -> bytes | None:
    if value in (None, "", [], {}):
        return None
    plaintext = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
    return crypto.seal(key, plaintext, context=_context(child, model, column))


def open_sealed(child: Child, key: bytes, model: type[models.Model] | models.Model, column: str, sealed: Any) -> Any:
    if sealed is None:
        return None
    plaintext = crypto.unseal(key, bytes(sealed), context=_context(child, model, column))
    return json.loads(plaintext)


def seal_bytes(child: Child, key: bytes, purpose: str, content: bytes) -> bytes:
    return crypto.seal(key, content, context=f"{purpose}:{child.public_id}".encode())


def open_bytes(child: Child, key: bytes, purpose: str, sealed: bytes) -> bytes:
    return crypto.unseal(key, sealed, context=f"{purpose}:{child.public_id}".encode())


def sealed_columns(model: type[models.Model]) -> list[str]:
    from apps.cases.models import Sealed

    return [f.attname for f in model._meta.concrete_fields if isinstance(f, Sealed)]
