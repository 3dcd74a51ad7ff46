"""The guardian's consent to tracing, held by the database: raw SQL as the application role
cannot write a consent that is neither the guardian's own record nor a quote of a signed one,
nor one under another guardian's appointment, nor rewrite one."""

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from apps.family.models import TracingConsent
from apps.guardianship.models import GuardianAppointment
from tests.family.factories import case_with_staff, guardian_for

pytestmark = pytest.mark.django_db

INSERT = (
    "INSERT INTO family_tracingconsent (case_id, appointment_id, guardian_id, country, words, document_date, "
    "document_reference, recorded_by_id, recorded_at) VALUES (%s, %s, %s, 'MA', NULL, %s, %s, %s, now())"
)


def _insert(params: list[Any]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(INSERT, params)


@pytest.fixture
def consent_parts():
    case, caseworker, _boss = case_with_staff()
    guardian = guardian_for(case)
    appointment = GuardianAppointment.objects.get(case=case)
    return case, caseworker, guardian, appointment


def test_raw_sql_cannot_write_a_caseworkers_tick_as_the_guardians_consent(consent_parts):
    case, caseworker, guardian, appointment = consent_parts
    with pytest.raises(DatabaseError) as refused:
        _insert([case.pk, appointment.pk, guardian.pk, None, "", caseworker.pk])
    assert "family_consent_own_or_quoted" in str(refused.value)
    with pytest.raises(DatabaseError):
        _insert([case.pk, appointment.pk, guardian.pk, "2026-01-10", "", caseworker.pk])
    assert not TracingConsent.objects.exists()


def test_raw_sql_may_write_the_guardians_own_consent_or_a_quote_with_date_and_reference(consent_parts):
    case, caseworker, guardian, appointment = consent_parts
    _insert([case.pk, appointment.pk, guardian.pk, None, "", guardian.pk])
    _insert([case.pk, appointment.pk, guardian.pk, "2026-01-10", "Signed form 7 (fictional)", caseworker.pk])
    assert TracingConsent.objects.count() == 2


def test_raw_sql_cannot_write_a_consent_under_another_guardians_appointment(consent_parts):
    case, caseworker, _guardian, appointment = consent_parts
    with pytest.raises(DatabaseError) as refused:
        _insert([case.pk, appointment.pk, caseworker.pk, None, "", caseworker.pk])
    assert "guardian of its appointment" in str(refused.value)
    other_case = case_with_staff()[0]
    with pytest.raises(DatabaseError):
        _insert([other_case.pk, appointment.pk, appointment.guardian_id, None, "", appointment.guardian_id])
    assert not TracingConsent.objects.exists()


def test_raw_sql_cannot_rewrite_a_consent(consent_parts):
    case, _caseworker, guardian, appointment = consent_parts
    _insert([case.pk, appointment.pk, guardian.pk, None, "", guardian.pk])
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE family_tracingconsent SET country = 'SN'")
    assert "never rewritten" in str(refused.value)
    assert TracingConsent.objects.get().country == "MA"
