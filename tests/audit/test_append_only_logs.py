"""The admin's change history and the read log are only ever added to: the application's own
database role can neither rewrite nor delete a row, nor switch the guard off; and the trigger
refuses even the owner, whatever connection it comes through."""

from typing import Any, cast

import psycopg
import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction

from apps.accounts.models import User
from apps.audit.models import RecordAccess
from apps.cases.models import Case
from config.db_backend.base import as_owner
from tests.accounts.factories import UserFactory
from tests.cases.factories import register

TABLES = [
    ("django_admin_log", "django_admin_log_append_only"),
    ("audit_recordaccess", "audit_recordaccess_append_only"),
]


def _change_entry() -> LogEntry:
    case = register().case
    return LogEntry.objects.create(
        user=cast(User, UserFactory()),
        content_type=ContentType.objects.get_for_model(Case),
        object_id=str(case.pk),
        object_repr=case.reference,
        action_flag=ADDITION,
        change_message="Registered (fictional).",
    )


def _refused(sql: str, params: list[Any] | None = None) -> psycopg.Error:
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    cause = refused.value.__cause__
    assert isinstance(cause, psycopg.errors.InsufficientPrivilege), cause
    return cause


@pytest.mark.django_db
@pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id", "DELETE FROM {table}"])
@pytest.mark.parametrize(("table", "trigger"), TABLES)
def test_the_application_role_neither_rewrites_nor_deletes_a_log_row(statement, table, trigger):
    _change_entry()
    RecordAccess.objects.create(case=None, action="view", channel="admin", allowed=False)
    _refused(statement.format(table=table))
    assert LogEntry.objects.count() == 1
    assert RecordAccess.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("table", "trigger"), TABLES)
def test_the_application_role_holds_no_update_or_delete_privilege_on_the_logs(table, trigger):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(current_user, %s, 'INSERT'), has_table_privilege(current_user, %s, 'UPDATE'), "
            "has_table_privilege(current_user, %s, 'DELETE')",
            [table, table, table],
        )
        assert cursor.fetchone() == (True, False, False)


@pytest.mark.django_db
@pytest.mark.parametrize(("table", "trigger"), TABLES)
def test_the_application_role_cannot_switch_the_guard_off(table, trigger):
    _refused(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    _refused(f"DROP TRIGGER {trigger} ON {table}")


@pytest.mark.django_db
def test_the_admins_change_history_is_not_deleted_through_the_orm_either():
    entry = _change_entry()
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(change_message="Nothing happened.")
    assert LogEntry.objects.get(pk=entry.pk).change_message == "Registered (fictional)."


@pytest.mark.django_db(transaction=True)
def test_the_trigger_refuses_even_the_owner():
    entry = _change_entry()
    with as_owner(connection):
        for sql in (
            "DELETE FROM django_admin_log WHERE id = %s",
            "UPDATE django_admin_log SET object_repr = '' WHERE id = %s",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk])
    assert LogEntry.objects.filter(pk=entry.pk, object_repr=entry.object_repr).exists()
