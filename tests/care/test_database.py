"""Care invariants the database holds, by any path: raw SQL as the application role the suite
(and Haven) connects as, which owns none of the tables and cannot switch the triggers off.

- An urgent placement always has its urgent action (so it is always reviewed), and an urgent
  action's placement stays urgent: a deferred constraint trigger, checked at commit.
- NEVER_DETAIN for the provider: no placement with a police, immigration or prosecution
  agency, nor an agency that provides care turned into one afterwards.
"""

import importlib

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from apps.accounts.models import ENFORCEMENT_KINDS, AgencyKind
from apps.care.models import Placement, PlacementKind, UrgentAction, UrgentActionKind
from apps.care.services import placement_record
from tests.accounts.factories import AgencyFactory
from tests.care.factories import case_with_staff

pytestmark = pytest.mark.django_db
GUARDS = importlib.import_module("apps.care.migrations.0005_placement_guards")

PLACEMENT_INSERT = (
    "INSERT INTO care_placement (case_id, kind, provider_id, justification, urgent, urgent_reason, household, "
    "separation_decision, end_reason, country, starts_at, recorded_by_id, recorded_at) "
    "VALUES (%s, %s, %s, NULL, %s, %s, gen_random_uuid(), NULL, NULL, 'PT', now(), %s, now()) RETURNING id"
)
ACTION_INSERT = (
    "INSERT INTO care_urgentaction (case_id, kind, reason, taken_by_id, taken_at, placement_id, review_due_at, "
    "supervisor_review, guardian_review, recorded_at) "
    "VALUES (%s, 'emergency_placement', '\\x00'::bytea, %s, now(), %s, now() + interval '72 hours', NULL, NULL, now())"
)


@pytest.fixture
def staffed():
    return case_with_staff()


def _insert_placement(case, actor, *, kind=PlacementKind.SHELTER, provider=None, urgent=True) -> int:
    with connection.cursor() as cursor:
        cursor.execute(PLACEMENT_INSERT, [case.pk, kind, provider.pk if provider else None, urgent,
                                          b"\x00" if urgent else None, actor.pk])  # fmt: skip
        return int(cursor.fetchone()[0])


def _at_commit() -> None:
    """What COMMIT checks: the deferred constraint triggers, now."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _cause(error: DatabaseError) -> BaseException | None:
    return error.__cause__


def _write_and_commit(sql: str, params: list[int]) -> None:
    """Run `sql` in its own transaction and check what COMMIT would check."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        _at_commit()


def _insert_and_commit(case, actor) -> None:
    with transaction.atomic():
        _insert_placement(case, actor)
        _at_commit()


# --- An urgent placement always has its urgent action ------------------------------------------
def test_raw_sql_cannot_leave_an_urgent_shelter_placement_without_its_urgent_action(staffed):
    case, caseworker, _boss = staffed
    with pytest.raises(DatabaseError, match="has no urgent action"):
        _insert_and_commit(case, caseworker)
    assert not Placement.objects.exists()


def test_an_urgent_placement_written_with_its_urgent_action_stands(staffed):
    case, caseworker, _boss = staffed
    with transaction.atomic():
        placement = _insert_placement(case, caseworker)
        with connection.cursor() as cursor:
            cursor.execute(ACTION_INSERT, [case.pk, caseworker.pk, placement])
        _at_commit()
    assert UrgentAction.objects.get().placement_id == placement


def test_raw_sql_cannot_delete_or_detach_the_urgent_action_of_a_placement(staffed):
    case, caseworker, _boss = staffed
    placement = placement_record(actor=caseworker, case=case, kind=PlacementKind.SHELTER, urgent=True,
                                 urgent_reason="Fictional: tonight")  # fmt: skip
    for sql in ("DELETE FROM care_urgentaction WHERE placement_id = %s",
                "UPDATE care_urgentaction SET placement_id = NULL, kind = 'medical_care' WHERE placement_id = %s"):  # fmt: skip
        with pytest.raises(DatabaseError, match="has no urgent action"):
            _write_and_commit(sql, [placement.pk])
    assert UrgentAction.objects.get().placement_id == placement.pk


def test_raw_sql_cannot_make_an_urgent_placement_ordinary_or_an_ordinary_one_urgent(staffed):
    case, caseworker, _boss = staffed
    urgent = placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER, urgent=True,
                              urgent_reason="Fictional: tonight")  # fmt: skip
    with pytest.raises(DatabaseError, match="stays urgent"):
        _write_and_commit("UPDATE care_placement SET urgent = false, urgent_reason = NULL WHERE id = %s", [urgent.pk])
    other, other_worker, _ = case_with_staff()
    ordinary = placement_record(actor=other_worker, case=other, kind=PlacementKind.FOSTER)
    with pytest.raises(DatabaseError, match="has no urgent action"):
        _write_and_commit(
            "UPDATE care_placement SET urgent = true, urgent_reason = '\\x00'::bytea WHERE id = %s", [ordinary.pk]
        )


@pytest.mark.django_db(transaction=True)
def test_a_commit_of_an_urgent_placement_without_its_action_is_refused():
    case, caseworker, _boss = case_with_staff()
    with pytest.raises(DatabaseError, match="has no urgent action"), transaction.atomic():
        _insert_placement(case, caseworker)
    assert not Placement.objects.exists()
    # The service writes both in one transaction, and commits.
    placement = placement_record(actor=caseworker, case=case, kind=PlacementKind.SHELTER, urgent=True,
                                 urgent_reason="Fictional: tonight", urgent_kind=UrgentActionKind.SAFETY_MOVE)  # fmt: skip
    assert Placement.objects.get().urgent_action.placement == placement


# --- NEVER_DETAIN: the provider is never an enforcement agency --------------------------------
@pytest.mark.parametrize("agency_kind", sorted(ENFORCEMENT_KINDS))
def test_raw_sql_cannot_place_a_child_with_an_enforcement_agency(staffed, agency_kind):
    case, caseworker, _boss = staffed
    custody = AgencyFactory(kind=agency_kind)
    with pytest.raises(DatabaseError, match="NEVER_DETAIN") as refused, transaction.atomic():
        _insert_placement(case, caseworker, kind=PlacementKind.FOSTER, provider=custody, urgent=False)
    assert isinstance(_cause(refused.value), psycopg.errors.CheckViolation)
    home = placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER,
                            provider=AgencyFactory(kind=AgencyKind.CARE_PROVIDER))  # fmt: skip
    with pytest.raises(DatabaseError, match="NEVER_DETAIN"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE care_placement SET provider_id = %s WHERE id = %s", [custody.pk, home.pk])
    assert Placement.objects.get(pk=home.pk).provider_id != custody.pk


@pytest.mark.parametrize("agency_kind", sorted(ENFORCEMENT_KINDS))
def test_raw_sql_cannot_turn_a_care_provider_into_an_enforcement_agency(staffed, agency_kind):
    case, caseworker, _boss = staffed
    home = AgencyFactory(kind=AgencyKind.CARE_PROVIDER)
    placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER, provider=home)
    with pytest.raises(DatabaseError, match="NEVER_DETAIN"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_agency SET kind = %s WHERE id = %s", [agency_kind, home.pk])
    home.refresh_from_db()
    assert home.kind == AgencyKind.CARE_PROVIDER


def test_an_agency_that_provides_no_care_may_change_its_kind_and_a_care_provider_may_take_children(staffed):
    case, caseworker, _boss = staffed
    bystander = AgencyFactory(kind=AgencyKind.NGO_SERVICE_PROVIDER)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_agency SET kind = 'police' WHERE id = %s", [bystander.pk])
    home = AgencyFactory(kind=AgencyKind.CARE_PROVIDER)
    placement = _insert_placement(case, caseworker, kind=PlacementKind.FOSTER, provider=home, urgent=False)
    assert Placement.objects.get(pk=placement).provider == home


def test_the_migration_knows_every_enforcement_kind():
    written = set(GUARDS.ENFORCEMENT_KINDS_SQL.strip("()").replace("'", "").split(", "))
    assert written == {str(kind) for kind in ENFORCEMENT_KINDS}
    assert GUARDS.PROVIDER_NOT_ENFORCEMENT.count(GUARDS.ENFORCEMENT_KINDS_SQL) == 2


# --- The application role cannot switch the guards off ------------------------------------------
@pytest.mark.parametrize(
    ("table", "trigger"),
    [
        ("care_placement", "care_placement_urgent_has_action"),
        ("care_urgentaction", "care_urgentaction_keeps_placement"),
        ("care_placement", "care_placement_provider_not_enforcement"),
        ("accounts_agency", "care_agency_provider_stays_care"),
    ],
)
def test_the_application_role_cannot_disable_or_drop_the_care_triggers(table, trigger):
    for sql in (f"ALTER TABLE {table} DISABLE TRIGGER {trigger}", f"DROP TRIGGER {trigger} ON {table}"):
        with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        assert isinstance(_cause(refused.value), psycopg.errors.InsufficientPrivilege)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = %s", [trigger])
        assert cursor.fetchone() == ("O",)


def test_no_care_trigger_reads_a_session_setting():
    with connection.cursor() as cursor:
        cursor.execute("SELECT string_agg(prosrc, ' ') FROM pg_proc WHERE proname LIKE 'care\\_%%'")
        source = cursor.fetchone()[0]
    assert "current_setting" not in source
    assert "session_replication_role" not in source
