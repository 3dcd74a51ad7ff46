"""Identification, the recovery and reflection period, residence permits and their deadline check."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from apps.alerts.models import Alert, AlertKind
from apps.cases.models import Case
from apps.rights.models import IdentificationChange, ReflectionPeriodChange, ResidencePermit
from apps.rights.services import (
    identification_status_change,
    reflection_period_change,
    reflection_period_grant,
    residence_permit_record,
    residence_permit_renewal_apply,
    status_deadlines_alert,
)
from apps.rights.tasks import status_deadlines_check
from tests.accounts.factories import AgencyFactory
from tests.cases.sealed import stored
from tests.rights.factories import case_with_staff, guardian_for

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)
NOON = timezone.make_aware(datetime(2026, 6, 1, 12, 0))


@pytest.fixture
def staffed():
    return case_with_staff()


# --- Identification -----------------------------------------------------------------------
def test_each_identification_change_is_history_reflected_on_the_case(staffed):
    case, caseworker, _ = staffed
    identification_status_change(actor=caseworker, case=case, to_status="identified", decided_on=date(2026, 3, 1))
    authority = AgencyFactory(kind="police")
    change = identification_status_change(
        actor=caseworker, case=case, to_status="formally_identified", decided_on=date(2026, 4, 2),
        authority=authority, authority_reference="NRM-2026-118",
    )  # fmt: skip
    case.refresh_from_db()
    assert case.identification_status == "formally_identified"
    assert case.version == 3  # each change went through the versioned path
    assert (change.from_status, change.authority_label) == ("identified", str(authority))
    assert list(IdentificationChange.objects.filter(case=case).values_list("to_status", flat=True)) == [
        "formally_identified", "identified"
    ]  # fmt: skip


def test_a_formal_identification_names_the_authority_and_its_reference(staffed):
    case, caseworker, _ = staffed
    with pytest.raises(ValidationError) as refused:
        identification_status_change(actor=caseworker, case=case, to_status="formally_identified")
    assert set(refused.value.message_dict) == {"authority", "authority_reference"}
    case.refresh_from_db()
    assert case.identification_status == "presumed"


def test_going_back_to_an_earlier_status_needs_a_note(staffed):
    case, caseworker, _ = staffed
    identification_status_change(actor=caseworker, case=case, to_status="identified")
    with pytest.raises(ValidationError):
        identification_status_change(actor=caseworker, case=case, to_status="presumed")
    identification_status_change(actor=caseworker, case=case, to_status="presumed", note="Decision annulled.")
    assert Case.objects.get(pk=case.pk).identification_status == "presumed"


def test_a_guardian_does_not_change_identification_status(staffed):
    case = staffed[0]
    with pytest.raises(PermissionDenied):
        identification_status_change(actor=guardian_for(case), case=case, to_status="identified")


# --- Reflection period --------------------------------------------------------------------
def test_the_reflection_period_is_recorded_on_the_case_and_extended_with_a_reason(staffed):
    case, caseworker, _ = staffed
    reflection_period_grant(actor=caseworker, case=case, starts_on=date(2026, 5, 1), ends_on=date(2026, 7, 30))
    with pytest.raises(ValidationError):
        reflection_period_change(actor=caseworker, case=case, ends_on=date(2026, 9, 30), reason="")
    change = reflection_period_change(actor=caseworker, case=case, ends_on=date(2026, 9, 30),
                                      reason="Still recovering from the medical treatment.")  # fmt: skip
    case.refresh_from_db()
    assert (case.reflection_period_start, case.reflection_period_end) == (date(2026, 5, 1), date(2026, 9, 30))
    assert (change.kind, change.previous_end) == (ReflectionPeriodChange.Kind.EXTENDED, date(2026, 7, 30))
    with pytest.raises(ValidationError):
        reflection_period_grant(actor=caseworker, case=case, starts_on=date(2026, 10, 1), ends_on=date(2026, 11, 1))


def test_a_period_ending_soon_alerts_the_caseworker_and_the_guardian_once(staffed):
    case, caseworker, _ = staffed
    guardian = guardian_for(case, starts_at=NOON - timedelta(days=30))
    reflection_period_grant(actor=caseworker, case=case, starts_on=date(2026, 4, 1), ends_on=TODAY + timedelta(days=14))
    assert status_deadlines_alert(at=NOON - timedelta(days=1)) == 0  # 15 days ahead: not yet
    assert status_deadlines_alert(at=NOON) == 2
    assert status_deadlines_alert(at=NOON) == 0
    alerts = Alert.objects.filter(kind=AlertKind.REFLECTION_PERIOD_ENDING, case=case)
    assert {a.user_id for a in alerts} == {caseworker.pk, guardian.pk}
    assert all(a.detail.startswith(case.reference) and "Aïcha" not in a.detail for a in alerts)


def test_an_extension_closes_the_old_alert_and_the_new_end_is_alerted_in_its_turn(staffed):
    case, caseworker, _ = staffed
    reflection_period_grant(actor=caseworker, case=case, starts_on=date(2026, 4, 1), ends_on=TODAY + timedelta(days=7))
    status_deadlines_alert(at=NOON)
    reflection_period_change(actor=caseworker, case=case, ends_on=TODAY + timedelta(days=60), reason="Extended.",
                             at=NOON)  # fmt: skip
    assert Alert.objects.get(kind=AlertKind.REFLECTION_PERIOD_ENDING, case=case).done_at == NOON
    assert status_deadlines_alert(at=NOON + timedelta(days=1)) == 0
    assert status_deadlines_alert(at=NOON + timedelta(days=46)) == 1


@override_settings(HAVEN_REFLECTION_ALERT_DAYS=30)
def test_the_reflection_alert_horizon_is_a_setting(staffed):
    case, caseworker, _ = staffed
    reflection_period_grant(actor=caseworker, case=case, starts_on=date(2026, 4, 1), ends_on=TODAY + timedelta(days=25))
    assert status_deadlines_alert(at=NOON) == 1


# --- Residence permits --------------------------------------------------------------------
def permit(staffed, expires_on, **kwargs):
    case, caseworker, _ = staffed
    values = {"kind": "victim", "issued_on": date(2025, 6, 1), "number": "RP-0099123", "expires_on": expires_on}
    return residence_permit_record(actor=caseworker, case=case, **(values | kwargs))


def test_the_permit_number_is_sealed(staffed):
    recorded = permit(staffed, date(2027, 6, 1))
    recorded.refresh_from_db()
    assert b"RP-0099123" not in bytes(recorded.number)
    assert stored(recorded, "number", staffed[0].child) == "RP-0099123"


def test_a_permit_expiring_within_the_window_alerts_once_until_renewal_is_applied_for(staffed):
    case, caseworker, _ = staffed
    expiring = permit(staffed, TODAY + timedelta(days=60))
    assert status_deadlines_alert(at=NOON - timedelta(days=1)) == 0
    assert status_deadlines_alert(at=NOON) == 1
    assert status_deadlines_alert(at=NOON) == 0
    residence_permit_renewal_apply(actor=caseworker, permit=expiring, applied_on=TODAY, at=NOON)
    alert = Alert.objects.get(kind=AlertKind.RESIDENCE_PERMIT_EXPIRING, case=case)
    assert alert.user_id == caseworker.pk
    assert alert.done_at == NOON


def test_a_renewed_permit_is_not_alerted_and_cannot_be_renewed_twice(staffed):
    old = permit(staffed, TODAY + timedelta(days=30))
    permit(staffed, date(2028, 6, 1), issued_on=TODAY, renews=old)
    assert ResidencePermit.objects.get(pk=old.pk).renewed_by is not None
    assert status_deadlines_alert(at=NOON) == 0
    with pytest.raises(ValidationError):
        permit(staffed, date(2028, 6, 1), issued_on=TODAY, renews=old)


def test_a_permit_cannot_expire_before_it_is_issued(staffed):
    with pytest.raises(ValidationError):
        permit(staffed, date(2025, 1, 1))


def test_the_periodic_task_alerts_once_however_often_it_runs(staffed):
    permit(staffed, timezone.localdate() + timedelta(days=10))
    assert status_deadlines_check() == 1
    assert status_deadlines_check() == 0
