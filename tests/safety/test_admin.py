"""The safety admin: scoped, written through the services, sealed text opened with the read logged."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import RecordAccess
from apps.cases.models import Case
from apps.safety.models import RiskAssessment, RiskFactor, RiskLevel, SafetyPlan
from apps.safety.services import safety_plan_record
from tests.accounts.factories import UserFactory
from tests.care.factories import case_with_staff
from tests.cases.sealed import stored
from tests.conftest import make_staff as _staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed():
    case, caseworker, boss = case_with_staff()
    return case, _staff(caseworker), _staff(boss)


@pytest.fixture
def cw_client(client, staffed):
    client.force_login(staffed[1])
    return client


@pytest.mark.parametrize("model", ["riskassessment", "safetyplan"])
def test_a_superuser_without_a_role_cannot_open_the_safety_admin(client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(f"admin:safety_{model}_changelist")).status_code == 403


def test_an_assessment_is_added_through_the_service_and_sets_the_level(cw_client, staffed):
    case, caseworker, _boss = staffed
    response = cw_client.post(reverse("admin:safety_riskassessment_add"), {
        "case": case.pk, "level": RiskLevel.CRITICAL,
        "factors": [RiskFactor.CONTACT_ATTEMPTS, RiskFactor.ONLINE_CONTACT], "narrative_text": "Messages at night"})  # fmt: skip
    assert response.status_code == 302
    assessment = RiskAssessment.objects.get()
    assert (assessment.assessed_by, stored(assessment, "narrative")) == (caseworker, "Messages at night")
    assert Case.objects.get(pk=case.pk).risk_level == RiskLevel.CRITICAL


def test_an_unknown_level_is_refused_on_the_form(cw_client, staffed):
    case = staffed[0]
    response = cw_client.post(reverse("admin:safety_riskassessment_add"), {"case": case.pk, "level": "apocalyptic"})
    assert response.status_code == 200
    assert not RiskAssessment.objects.exists()


def test_a_plan_is_added_and_its_page_opens_it_with_the_read_logged(cw_client, staffed):
    case, caseworker, _boss = staffed
    review = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = cw_client.post(reverse("admin:safety_safetyplan_add"), {
        "case": case.pk, "who_to_call_text": "Aunt Rosa; 112", "review_on": review,
        "safe_routes_text": "Bus 12 with a teacher", "accounts_watched": "on"})  # fmt: skip
    assert response.status_code == 302
    plan = SafetyPlan.objects.get()
    assert plan.accounts_watched
    page = unescape(cw_client.get(reverse("admin:safety_safetyplan_change", args=[plan.pk])).content.decode())
    assert "Aunt Rosa; 112" in page
    assert RecordAccess.objects.filter(actor_id=caseworker.pk, case=case, channel="admin", allowed=True).exists()


def test_a_plan_without_whom_to_call_is_refused_on_the_form(cw_client, staffed):
    case = staffed[0]
    response = cw_client.post(reverse("admin:safety_safetyplan_add"), {"case": case.pk, "who_to_call_text": "",
                                                                       "review_on": "2000-01-01"})  # fmt: skip
    assert response.status_code == 200
    assert not SafetyPlan.objects.exists()


def test_another_agencys_plan_is_a_404(cw_client):
    other_case, other_worker, _boss = case_with_staff()
    theirs = safety_plan_record(actor=other_worker, case=other_case, who_to_call="112",
                                review_on=timezone.localdate() + timedelta(days=5))  # fmt: skip
    assert cw_client.get(reverse("admin:safety_safetyplan_change", args=[theirs.pk])).status_code == 404
