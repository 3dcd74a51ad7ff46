"""Every text column of every Haven model is sealed with the child's key, or is on a short,
reasoned list of columns that never hold a child's details.

The lists live beside each app's tests (`tests/<app>/plain_text.py`, a `PLAIN_TEXT` dict
of "Model.column" -> why it never holds a child's details). Closed choices and codes of at
most three characters (ISO countries, currencies) carry no free text and need no entry.
A new text column fails here until someone decides which it is.
"""

import importlib
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models

from apps.cases.models import Sealed


def _haven_models() -> Iterator[type[models.Model]]:
    for config in apps.get_app_configs():
        if config.name.startswith("apps."):
            yield from config.get_models()


def _plain_lists() -> dict[str, str]:
    listed: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        try:
            module = importlib.import_module(f"tests.{config.label}.plain_text")
        except ModuleNotFoundError:
            continue
        for column, why in module.PLAIN_TEXT.items():
            listed[f"{config.label}.{column}"] = why
    return listed


def _free_text(field: models.Field) -> bool:
    inner = field.base_field if isinstance(field, ArrayField) else field
    if not isinstance(inner, models.CharField | models.TextField):
        return False
    if inner.choices:
        return False
    return not (
        isinstance(inner, models.CharField) and not isinstance(inner, models.TextField) and (inner.max_length or 0) <= 3
    )


def _text_columns() -> dict[str, models.Field]:
    columns = {}
    for model in _haven_models():
        for field in model._meta.concrete_fields:
            if _free_text(field):
                columns[f"{model._meta.label}.{field.name}"] = field
    return columns


def test_every_text_column_is_sealed_or_listed_with_a_reason() -> None:
    listed = _plain_lists()
    unsealed = sorted(name for name in _text_columns() if name not in listed)
    assert unsealed == [], (
        "These text columns may hold a child's details in plain text: seal them with the child's key "
        "(apps.cases.models.Sealed), or list them in tests/<app>/plain_text.py with why they never do:\n  "
        + "\n  ".join(unsealed)
    )


def test_every_listed_column_exists_is_plain_text_and_has_a_reason() -> None:
    columns = _text_columns()
    for name, why in _plain_lists().items():
        assert name in columns, f"{name} is listed as plain text but is no plain text column (sealed, renamed or gone?)"
        assert len(why.split()) >= 4, f"{name}: give a reason, not a word"
        assert not isinstance(columns[name], Sealed)


@pytest.mark.django_db
def test_the_database_has_no_text_column_the_models_do_not_declare() -> None:
    """Raw SQL (a trigger's table, a hand-made column) cannot add plain text behind the list's back."""
    declared = {
        (model._meta.db_table, field.column) for model in _haven_models() for field in model._meta.concrete_fields
    }
    tables = {model._meta.db_table for model in _haven_models()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'ARRAY')"
        )
        undeclared = sorted(
            f"{table}.{column}"
            for table, column in cursor.fetchall()
            if table in tables and (table, column) not in declared
        )
    assert undeclared == []
