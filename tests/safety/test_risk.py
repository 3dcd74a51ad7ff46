"""Risk assessments: they set the case's level through the versioned path, and date the next one."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from apps.alerts.models import Alert, AlertKind
from apps.care.services import missing_report
from apps.cases.models import Case
from apps.core.errors import StaleRecord
from apps.safety.models import RiskAssessment, RiskFactor, RiskLevel
from apps.safety.selectors import current_risk_assessment, reassessment_due_at
from apps.safety.services import risk_assessment_record, risk_reassessments_alert
from apps.safety.tasks import risk_reassessments_check
from tests.care.factories import case_with_staff, guardian_for
from tests.cases.factories import caseworker_in
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def staffed():
    return case_with_staff()


@pytest.fixture
def case(staffed):
    return staffed[0]


@pytest.fixture
def caseworker(staffed):
    return staffed[1]


@pytest.fixture
def boss(staffed):
    return staffed[2]


def assess(case, actor, level=RiskLevel.HIGH, *, days_ago=0, **kwargs):
    fresh = Case.objects.get(pk=case.pk)
    when = NOW - timedelta(days=days_ago)
    return risk_assessment_record(actor=actor, case=fresh, expected_version=fresh.version, level=level,
                                  assessed_at=when, at=when, **kwargs)  # fmt: skip


def alerts():
    return Alert.objects.filter(kind=AlertKind.RISK_REASSESSMENT_DUE)


# --- Recording ----------------------------------------------------------------------------------
def test_an_assessment_sets_the_cases_risk_level_and_seals_its_narrative(case, caseworker):
    assessment = assess(case, caseworker, RiskLevel.CRITICAL, factors=[RiskFactor.TRAFFICKER_KNOWS_LOCATION],
                        narrative="A car waited outside the school twice")  # fmt: skip
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.risk_level == RiskLevel.CRITICAL
    assert fresh.version > case.version
    assert assessment.factors == [RiskFactor.TRAFFICKER_KNOWS_LOCATION]
    assert stored(assessment, "narrative") == "A car waited outside the school twice"


@pytest.mark.parametrize(("level", "days"), [(RiskLevel.CRITICAL, 7), (RiskLevel.HIGH, 30), (RiskLevel.MEDIUM, 90),
                                             (RiskLevel.LOW, 180)])  # fmt: skip
def test_the_next_assessment_is_due_by_the_level(case, caseworker, level, days):
    assessment = assess(case, caseworker, level)
    assert assessment.next_due_at == assessment.assessed_at + timedelta(days=days)


@override_settings(HAVEN_RISK_REASSESSMENT_DAYS_HIGH=10)
def test_the_interval_is_a_deployment_setting(case, caseworker):
    assessment = assess(case, caseworker, RiskLevel.HIGH)
    assert assessment.next_due_at == assessment.assessed_at + timedelta(days=10)


def test_an_assessment_of_a_case_changed_since_is_stale(case, caseworker):
    with pytest.raises(StaleRecord):
        risk_assessment_record(actor=caseworker, case=case, expected_version=case.version - 1, level=RiskLevel.LOW)
    assert not RiskAssessment.objects.exists()


def test_a_new_assessment_supersedes_the_last_and_both_stay(case, caseworker):
    first = assess(case, caseworker, RiskLevel.HIGH, days_ago=20)
    second = assess(case, caseworker, RiskLevel.MEDIUM)
    first.refresh_from_db()
    assert first.superseded_at is not None
    assert current_risk_assessment(case=case) == second
    assert Case.objects.get(pk=case.pk).risk_level == RiskLevel.MEDIUM


def test_an_assessment_older_than_the_current_one_is_refused(case, caseworker):
    assess(case, caseworker, days_ago=1)
    with pytest.raises(ValidationError):
        assess(case, caseworker, days_ago=5)


def test_unknown_factors_are_refused(case, caseworker):
    with pytest.raises(ValidationError):
        assess(case, caseworker, factors=["bad_vibes"])


def test_only_the_case_staff_assess(case):
    with pytest.raises(Http404):
        assess(case, caseworker_in())
    with pytest.raises(PermissionDenied):
        assess(case, guardian_for(case))


# --- The re-assessment clock and its alert -------------------------------------------------------
def test_an_overdue_assessment_alerts_the_assigned_caseworker_once(case, caseworker, boss):
    from apps.cases.services import case_assign

    fresh = Case.objects.get(pk=case.pk)
    case_assign(actor=boss, case=fresh, expected_version=fresh.version, team=fresh.team, caseworker=caseworker)
    assessment = assess(case, caseworker, RiskLevel.HIGH, days_ago=31)
    later = timezone.now()  # the caseworker's membership began when the test made it, after NOW
    assert risk_reassessments_alert(at=later) == 1
    assert risk_reassessments_alert(at=later) == 0
    assert risk_reassessments_alert(at=later + timedelta(days=3)) == 0
    alert = alerts().get()
    assert (alert.user, alert.role, alert.case) == (caseworker, "", case)
    assert alert.due_at == assessment.next_due_at
    assert case.reference in alert.detail


def test_an_assessment_not_yet_due_raises_nothing(case, caseworker):
    assess(case, caseworker, RiskLevel.HIGH, days_ago=29)
    assert risk_reassessments_alert(at=NOW) == 0
    assert not alerts().exists()


def test_with_no_one_assigned_the_supervisors_are_alerted(case, caseworker, boss):
    from apps.cases.services import case_assign

    assess(case, caseworker, RiskLevel.MEDIUM, days_ago=91)
    fresh = Case.objects.get(pk=case.pk)
    case_assign(actor=boss, case=fresh, expected_version=fresh.version, team=fresh.team, caseworker=None)
    assert risk_reassessments_alert(at=NOW) == 1
    alert = alerts().get()
    assert (alert.user, alert.role, alert.agency) == (None, "supervisor", case.owning_agency)


def test_a_missing_report_raising_the_risk_to_critical_brings_the_reassessment_forward(case, caseworker):
    assessment = assess(case, caseworker, RiskLevel.MEDIUM, days_ago=10)
    assert risk_reassessments_alert(at=NOW) == 0  # medium: due in 80 days
    missing_report(actor=caseworker, case=Case.objects.get(pk=case.pk), at=NOW)
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.risk_level == RiskLevel.CRITICAL
    assert reassessment_due_at(assessment, case_level=fresh.risk_level) == assessment.assessed_at + timedelta(days=7)
    assert risk_reassessments_alert(at=NOW) == 1
    assert risk_reassessments_alert(at=NOW) == 0


def test_a_new_assessment_closes_the_overdue_alert(case, caseworker):
    assess(case, caseworker, RiskLevel.CRITICAL, days_ago=8)
    risk_reassessments_alert(at=NOW)
    assess(case, caseworker, RiskLevel.HIGH)
    assert alerts().get().done_at is not None
    assert risk_reassessments_alert(at=NOW) == 0


def test_the_periodic_task_runs_the_check(case, caseworker):
    assess(case, caseworker, RiskLevel.CRITICAL, days_ago=8)
    assert risk_reassessments_check() == 1
    assert risk_reassessments_check() == 0
