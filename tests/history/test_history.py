"""Every change to case data is written to the history by the database: bulk updates and raw
SQL included, sealed values still sealed, with who and through which channel; the
application's role can only add to it; supervisors see who has seen and changed a case."""

import json

import psycopg
import pytest
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from apps.audit.models import RecordAccess
from apps.cases.models import Case, Child
from apps.cases.reading import case_path
from apps.cases.services import case_assign, child_anonymise
from apps.history.middleware import HistoryMiddleware
from apps.history.models import Change
from config.celery import app as celery_app
from tests.accounts.factories import AgencyFactory
from tests.cases.factories import caseworker_in, register, supervisor_in
from tests.conftest import make_staff, signed_in

pytestmark = pytest.mark.django_db

# Tables that concern a case but are not case data to keep a history of, and why.
NOT_RECORDED = {
    "audit_recordaccess": "the read log is a log itself, append-only",
    "cases_childkey": "a destroyed data key kept in the history would undo an anonymisation",
    "cases_childsearchtoken": "search hashes derived from the name, dropped on anonymisation",
    "cases_childnametrigrams": "search hashes derived from the name, dropped on anonymisation",
}
ALSO_RECORDED = {"accounts_membership", "guardianship_guardianappointment"}


def _history_of(table: str, **filters) -> list[Change]:
    return list(Change.objects.filter(table_name=table, **filters).order_by("id"))


def _refused(sql: str) -> None:
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert isinstance(refused.value.__cause__, psycopg.errors.InsufficientPrivilege), refused.value.__cause__


def test_every_table_holding_case_data_records_its_changes():
    """A new record type of a case gets `apps.history.triggers.attach` in its migration."""
    case_data = {
        model._meta.db_table
        for model in apps.get_models()
        if model.__module__.startswith("apps.") and case_path(model) is not None
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'history_record' AND NOT t.tgisinternal AND t.tgenabled <> 'D'"
        )
        recorded = {name for (name,) in cursor.fetchall()}
    assert (case_data | ALSO_RECORDED) - set(NOT_RECORDED) - recorded == set(), "case data without a history"
    assert recorded & set(NOT_RECORDED) == set()


def test_raw_sql_as_the_application_role_is_recorded_with_before_and_after():
    case = register().case
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (role,) = cursor.fetchone()
        cursor.execute("UPDATE cases_case SET version = version + 10 WHERE id = %s", [case.pk])
    assert role == connection.application_role
    (change,) = _history_of("cases_case", operation="UPDATE", case_id=case.pk)
    assert "version" in change.changed
    assert change.after["version"] > change.before["version"]
    assert (change.actor_id, change.channel, change.db_role) == (None, "sql", role)
    assert change.child_id == case.child_id


def test_a_bulk_update_records_every_row():
    first, second = register().case, register().case
    Case.objects.filter(pk__in=[first.pk, second.pk]).update(version=F("version") + 1)
    changed = {c.case_id for c in _history_of("cases_case", operation="UPDATE")}
    assert changed == {first.pk, second.pk}


def test_registering_a_case_records_the_new_rows_with_their_case():
    registered = register()
    assert _history_of("cases_case", operation="INSERT", case_id=registered.case.pk)
    assert _history_of("cases_child", operation="INSERT", child_id=registered.case.child_id)
    assert not _history_of("cases_childkey")


def test_a_reassignment_is_recorded():
    registered = register()
    case = registered.case
    agency = case.owning_agency
    other = caseworker_in(agency)
    case_assign(actor=supervisor_in(agency), case=case, expected_version=case.version, team=None, caseworker=other)
    (change,) = _history_of("cases_case", operation="UPDATE", case_id=case.pk)
    assert "assigned_caseworker_id" in change.changed
    assert change.after["assigned_caseworker_id"] == other.pk


def test_an_anonymisation_is_recorded_and_the_destroyed_key_is_nowhere_in_the_history():
    case = register().case
    child_anonymise(actor=None, child=case.child)
    (change,) = _history_of("cases_child", operation="UPDATE", child_id=case.child_id)
    assert "anonymised_at" in change.changed
    assert change.before["anonymised_at"] is None
    assert change.after["anonymised_at"] is not None
    assert not _history_of("cases_childkey")


def test_sealed_values_stay_sealed_in_the_history():
    case = register(given="Zainab", family="Okonkwo").case
    sealed = {f.column for f in Child._meta.concrete_fields if type(f).__name__ == "Sealed"}
    (insert,) = _history_of("cases_child", operation="INSERT", child_id=case.child_id)
    assert sealed
    assert sealed <= set(insert.changed)
    text = json.dumps([c.after for c in Change.objects.all()], ensure_ascii=False)
    assert "Zainab" not in text
    assert "Okonkwo" not in text
    assert "Rua das Flores" not in text
    assert all(str(insert.after[column] or "\\x").startswith("\\x") for column in sealed)


@pytest.mark.parametrize("statement", ["UPDATE history_change SET channel = 'web'", "DELETE FROM history_change"])
def test_the_application_role_neither_rewrites_nor_deletes_the_history(statement):
    register()
    count = Change.objects.count()
    _refused(statement)
    assert Change.objects.count() == count
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(current_user, 'history_change', 'UPDATE'), "
            "has_table_privilege(current_user, 'history_change', 'DELETE'), "
            "has_table_privilege(current_user, 'history_change', 'TRUNCATE')"
        )
        assert cursor.fetchone() == (False, False, False)


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE cases_case DISABLE TRIGGER history_record",
        "DROP TRIGGER history_record ON cases_case",
        "ALTER TABLE history_change DISABLE TRIGGER history_change_append_only",
        "DROP FUNCTION haven_history_record() CASCADE",
        "TRUNCATE history_change",
    ],
)
def test_the_application_role_cannot_switch_the_history_off(statement):
    _refused(statement)


def test_a_request_records_its_user_channel_and_request_id():
    case = register().case
    supervisor = supervisor_in(case.owning_agency)
    request = RequestFactory().post("/admin/cases/case/")
    request.user = supervisor
    request.request_id = "req-0000-test-1"

    def view(_request):
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
        return HttpResponse()

    HistoryMiddleware(view)(request)
    (change,) = _history_of("cases_case", operation="UPDATE")
    assert (change.actor_id, change.channel, change.request_id) == (supervisor.pk, "admin", "req-0000-test-1")
    # Outside the request nothing is claimed for it any more.
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
    latest = _history_of("cases_case", operation="UPDATE")[-1]
    assert (latest.actor_id, latest.channel, latest.request_id) == (None, "sql", "")


@transaction.atomic
def _bump_then_fail(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
    raise RuntimeError


def test_a_rolled_back_write_does_not_lose_the_mark_for_the_next_one():
    case = register().case
    request = RequestFactory().get("/cases/")
    request.user = case.registered_by

    def view(_request):
        with pytest.raises(RuntimeError):
            _bump_then_fail(case)
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
        return HttpResponse()

    HistoryMiddleware(view)(request)
    (change,) = _history_of("cases_case", operation="UPDATE")
    assert (change.actor_id, change.channel) == (case.registered_by.pk, "web")


@celery_app.task(name="tests.history.bump_version")
def _bump_version(case_id: int) -> None:
    Case.objects.filter(pk=case_id).update(version=F("version") + 1)


def test_a_task_records_its_channel_and_task_id():
    case = register().case
    result = _bump_version.apply(args=[case.pk], task_id="task-0000-test-1")
    assert result.successful()
    (change,) = _history_of("cases_case", operation="UPDATE")
    assert (change.actor_id, change.channel, change.request_id) == (None, "task", "task-0000-test-1")


class _BumpVersion(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("case_id", type=int)

    def handle(self, *args, **options):
        Case.objects.filter(pk=options["case_id"]).update(version=F("version") + 1)


def test_a_command_records_its_channel_and_name():
    from django.core.management import call_command

    case = register().case
    call_command(_BumpVersion(), str(case.pk))
    (change,) = _history_of("cases_case", operation="UPDATE")
    assert change.channel == "command"
    assert change.request_id == "command:test_history"


# --- The supervisor's page ---------------------------------------------------------------
def _page(case):
    return reverse("admin:history_change_case", args=[case.pk])


def test_a_supervisor_sees_who_has_seen_and_changed_the_case():
    case = register(given="Zainab").case
    supervisor = make_staff(supervisor_in(case.owning_agency))
    other = caseworker_in(case.owning_agency)
    case_assign(actor=supervisor, case=case, expected_version=case.version, team=None, caseworker=other)
    RecordAccess.objects.create(actor=case.registered_by, case=case, action="view", channel="web", allowed=True)
    response = signed_in(supervisor).get(_page(case))
    assert response.status_code == 200
    page = response.content.decode()
    assert case.registered_by.get_username() in page
    assert "assigned_caseworker_id" in page
    assert "sealed" in page
    assert "Zainab" not in page
    assert RecordAccess.objects.filter(actor=supervisor, case=case, action="history").exists()


def test_the_page_costs_the_same_queries_however_long_the_history():
    from django.test.utils import CaptureQueriesContext

    case = register().case
    supervisor = make_staff(supervisor_in(case.owning_agency))
    client = signed_in(supervisor)
    client.get(_page(case))  # the first page after signing in costs more
    costs = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_page(case)).status_code == 200
        costs.append(len(queries))
        for _ in range(20):
            Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
            RecordAccess.objects.create(actor=supervisor, case=case, action="view", channel="web", allowed=True)
    assert costs[0] == costs[1]
    assert costs[1] <= 25  # room for other apps' entries in the admin sidebar


def test_another_agencys_staff_get_a_404():
    case = register().case
    outsider = make_staff(supervisor_in(AgencyFactory()))
    assert signed_in(outsider).get(_page(case)).status_code == 404


def test_a_caseworker_of_the_case_may_not_look():
    case = register().case
    assert signed_in(make_staff(case.registered_by)).get(_page(case)).status_code == 403


def test_the_case_page_links_its_supervisors_to_the_file_history(client):
    agency = AgencyFactory()
    caseworker = make_staff(caseworker_in(agency))
    case = register(caseworker, agency).case
    link = reverse("admin:history_change_case", args=[case.pk])
    client.force_login(make_staff(supervisor_in(agency)))
    assert link in client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    # The caseworker's page does not offer the supervisors' page.
    client.force_login(caseworker)
    assert link not in client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
