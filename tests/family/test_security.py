"""Risk and security assessments for a country and a family (R4), and the expiry alert."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.models import Role
from apps.alerts.models import Alert, AlertKind
from apps.cases.models import Case
from apps.family.selectors import current_security_assessment
from apps.family.services import security_assessments_expiring_alert
from apps.family.tasks import security_assessments_check
from tests.cases.sealed import stored
from tests.family.factories import FINDINGS, case_with_staff, relative_of, security_assessed

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed():
    return case_with_staff()


@pytest.fixture
def case(staffed):
    return staffed[0]


@pytest.fixture
def caseworker(staffed):
    return staffed[1]


def test_an_assessment_records_every_factor_sealed_and_expires_after_the_setting(case, caseworker, settings):
    settings.HAVEN_SECURITY_ASSESSMENT_VALID_DAYS = 60
    mother = relative_of(case, caseworker)
    done = security_assessed(case, caseworker, country="ma", relative=mother)
    assert (done.country, done.relative, done.safe) == ("MA", mother, True)
    assert stored(done, "retrafficking_risk") == FINDINGS["retrafficking_risk"]
    assert done.expires_at == done.completed_at + timedelta(days=60)


def test_every_factor_needs_a_finding(case, caseworker):
    with pytest.raises(ValidationError) as refused:
        security_assessed(case, caseworker, findings={**FINDINGS, "education": "", "reprisal_risk": " "})
    assert set(refused.value.message_dict) == {"education", "reprisal_risk"}


def test_a_real_risk_of_serious_harm_is_never_safe(case, caseworker):
    with pytest.raises(ValidationError):
        security_assessed(case, caseworker, safe=True, serious_harm_found=True)


def test_the_current_assessment_is_the_latest_for_that_country_expired_or_not(case, caseworker):
    now = timezone.now()
    old = security_assessed(case, caseworker, completed_at=now - timedelta(days=200), at=now)
    security_assessed(case, caseworker, country="RO", completed_at=now - timedelta(days=1), at=now)
    current = current_security_assessment(case=case, country="MA", at=now)
    assert current == old
    assert current.expires_at < now  # the caller tells "expired" from "missing"
    assert current_security_assessment(case=case, country="SN", at=now) is None


# --- SECURITY_ASSESSMENT_EXPIRING ----------------------------------------------------------------
def test_the_caseworker_is_alerted_ahead_of_expiry_once(case, caseworker):
    done = security_assessed(case, caseworker)
    before = done.expires_at - timedelta(days=15)
    assert security_assessments_expiring_alert(at=before) == 0
    inside = done.expires_at - timedelta(days=13)
    assert security_assessments_expiring_alert(at=inside) == 1
    assert security_assessments_expiring_alert(at=inside) == 0
    assert security_assessments_expiring_alert(at=inside + timedelta(days=1)) == 0
    alert = Alert.objects.get(kind=AlertKind.SECURITY_ASSESSMENT_EXPIRING)
    assert (alert.user, alert.case, alert.due_at) == (caseworker, case, done.expires_at)
    assert "MA" in alert.detail
    assert case.reference in alert.detail


def test_a_newer_assessment_for_the_country_supersedes_the_expiring_one(case, caseworker):
    now = timezone.now()
    old = security_assessed(case, caseworker, completed_at=now - timedelta(days=80), at=now)
    security_assessed(case, caseworker, completed_at=now - timedelta(days=1), at=now)
    assert old.expires_at - now < timedelta(days=14)
    assert security_assessments_expiring_alert(at=now) == 0


def test_without_an_assigned_caseworker_the_supervisors_are_alerted(case, caseworker):
    done = security_assessed(case, caseworker)
    Case.objects.filter(pk=case.pk).update(assigned_caseworker=None)
    assert security_assessments_expiring_alert(at=done.expires_at - timedelta(days=1)) == 1
    assert Alert.objects.get().role == Role.SUPERVISOR


def test_the_periodic_task_runs_the_check(case, caseworker):
    done = security_assessed(case, caseworker, completed_at=timezone.now() - timedelta(days=80))
    assert done.expires_at - timezone.now() < timedelta(days=14)
    assert security_assessments_check() == 1
    assert security_assessments_check() == 0
