"""R1 held by the database: raw SQL as the application role (which owns no table and cannot
switch triggers off) cannot appoint enforcement staff as guardians, nor write a handover gap."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.accounts.models import AgencyKind, Membership, Role
from apps.guardianship.models import AppointmentKind, GuardianAppointment
from apps.guardianship.services import guardian_appoint, guardian_handover
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.cases.factories import register, supervisor_in
from tests.guardianship.factories import eligible_guardian

pytestmark = pytest.mark.django_db

INSERT = (
    "INSERT INTO guardianship_guardianappointment (case_id, guardian_id, kind, starts_at, ends_at, end_reason, "
    "over_cap_reason, alongside_reason, appointed_by_id, succeeds_id, created_at) "
    "VALUES (%s, %s, %s, %s, NULL, NULL, NULL, NULL, %s, %s, now())"
)


def _refused(sql: str, params: list[Any]) -> DatabaseError:
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return refused.value


def _run(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def case():
    return register(child_facts={"unaccompanied": True}).case


@pytest.fixture
def boss(case):
    return supervisor_in(case.owning_agency)


@pytest.mark.parametrize("kind", [AgencyKind.POLICE, AgencyKind.IMMIGRATION, AgencyKind.PROSECUTION])
def test_raw_sql_cannot_appoint_staff_of_an_enforcement_agency(case, boss, kind):
    guardian = eligible_guardian()
    MembershipFactory(user=guardian, agency=AgencyFactory(kind=kind), role=Role.PARTNER_STAFF)
    refused = _refused(INSERT, [case.pk, guardian.pk, AppointmentKind.QUALIFIED, timezone.now(), boss.pk, None])
    assert "NOT_INDEPENDENT" in str(refused)
    assert not GuardianAppointment.objects.filter(case=case).exists()


def test_a_pending_police_role_is_enough_to_be_refused(case, boss):
    guardian = eligible_guardian()
    MembershipFactory(user=guardian, agency=AgencyFactory(kind=AgencyKind.POLICE), role=Role.PARTNER_STAFF,
                      pending=True)  # fmt: skip
    _refused(INSERT, [case.pk, guardian.pk, AppointmentKind.QUALIFIED, timezone.now(), boss.pk, None])


def test_raw_sql_cannot_switch_an_appointment_to_a_police_officer(case, boss):
    appointment = guardian_appoint(actor=boss, case=case, guardian=eligible_guardian(), kind=AppointmentKind.QUALIFIED)
    officer = eligible_guardian()
    MembershipFactory(user=officer, agency=AgencyFactory(kind=AgencyKind.POLICE), role=Role.PARTNER_STAFF)
    _refused("UPDATE guardianship_guardianappointment SET guardian_id = %s WHERE id = %s", [officer.pk, appointment.pk])
    appointment.refresh_from_db()
    assert appointment.guardian_id != officer.pk


def test_raw_sql_cannot_put_an_open_guardian_on_a_police_staff(case, boss):
    guardian = eligible_guardian()
    guardian_appoint(actor=boss, case=case, guardian=guardian, kind=AppointmentKind.QUALIFIED)
    police = AgencyFactory(kind=AgencyKind.POLICE)
    refused = _refused(
        "INSERT INTO accounts_membership (user_id, agency_id, role, started_at, approved_at) "
        "VALUES (%s, %s, 'partner_staff', now(), now())",
        [guardian.pk, police.pk],
    )
    assert "NOT_INDEPENDENT" in str(refused)
    assert not Membership.objects.filter(user=guardian, agency=police).exists()


def test_an_independent_guardian_is_still_written_by_raw_sql(case, boss):
    guardian = eligible_guardian()
    MembershipFactory(user=guardian, agency=AgencyFactory(kind=AgencyKind.HEALTH), role=Role.PARTNER_STAFF)
    _run(INSERT, [case.pk, guardian.pk, AppointmentKind.QUALIFIED, timezone.now(), boss.pk, None])
    assert GuardianAppointment.objects.filter(case=case, guardian=guardian).exists()


def test_a_former_police_officer_may_be_appointed(case, boss):
    guardian = eligible_guardian()
    MembershipFactory(user=guardian, agency=AgencyFactory(kind=AgencyKind.POLICE), role=Role.PARTNER_STAFF,
                      started_at=timezone.now() - timedelta(days=900), ended_at=timezone.now() - timedelta(days=400))  # fmt: skip
    _run(INSERT, [case.pk, guardian.pk, AppointmentKind.QUALIFIED, timezone.now(), boss.pk, None])


def test_raw_sql_cannot_write_a_handover_that_starts_after_the_old_one_ends(case, boss):
    old = guardian_appoint(actor=boss, case=case, guardian=eligible_guardian(), kind=AppointmentKind.PROVISIONAL)
    ended = timezone.now()
    _run(
        "UPDATE guardianship_guardianappointment SET ends_at = %s, end_reason = '\\x00'::bytea WHERE id = %s",
        [ended, old.pk],
    )
    refused = _refused(INSERT, [case.pk, eligible_guardian().pk, AppointmentKind.PROVISIONAL,
                                ended + timedelta(days=3), boss.pk, old.pk])  # fmt: skip
    assert "GUARDIAN_HANDOVER_GAP" in str(refused)


def test_raw_sql_cannot_open_a_gap_by_moving_either_end(case, boss):
    old = guardian_appoint(actor=boss, case=case, guardian=eligible_guardian(), kind=AppointmentKind.PROVISIONAL)
    moment = timezone.now()
    new = guardian_handover(actor=boss, appointment=old, new_guardian=eligible_guardian(), reason="moved", at=moment)
    _refused("UPDATE guardianship_guardianappointment SET ends_at = %s WHERE id = %s",
             [moment - timedelta(days=2), old.pk])  # fmt: skip
    _refused("UPDATE guardianship_guardianappointment SET starts_at = %s WHERE id = %s",
             [moment + timedelta(days=2), new.pk])  # fmt: skip
    old.refresh_from_db()
    new.refresh_from_db()
    assert new.starts_at <= old.ends_at


def test_a_handover_without_a_gap_is_written_by_raw_sql(case, boss):
    old = guardian_appoint(actor=boss, case=case, guardian=eligible_guardian(), kind=AppointmentKind.PROVISIONAL)
    moment = timezone.now()
    _run(
        "UPDATE guardianship_guardianappointment SET ends_at = %s, end_reason = '\\x00'::bytea WHERE id = %s",
        [moment, old.pk],
    )
    _run(INSERT, [case.pk, eligible_guardian().pk, AppointmentKind.PROVISIONAL, moment, boss.pk, old.pk])
    assert GuardianAppointment.objects.filter(succeeds=old).exists()


def test_the_application_role_cannot_switch_the_guards_off():
    for sql in (
        "ALTER TABLE guardianship_guardianappointment DISABLE TRIGGER guardianship_no_handover_gap",
        "DROP TRIGGER guardianship_appointment_independent ON guardianship_guardianappointment",
        "ALTER TABLE accounts_membership DISABLE TRIGGER guardianship_membership_keeps_guardians_independent",
        "SET session_replication_role = replica",
    ):
        _refused(sql, [])
