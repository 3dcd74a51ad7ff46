"""The demo's support records: made through the services, once."""

import pytest

from apps.accounts.demo import seed_accounts
from apps.alerts.models import Alert, AlertKind
from apps.cases.demo import MARKER_PREFIX, seed_cases
from apps.cases.models import Case
from apps.support.demo import seed_support
from apps.support.models import (
    ApprovalStatus,
    CooperationRecord,
    CooperationStatus,
    DeclineReason,
    EndReason,
    OtherReasonApproval,
    ServiceKind,
    ServiceStatus,
    SupportService,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    seed_accounts()
    seed_cases()
    return seed_support()


def demo_case(key):
    return Case.objects.get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def test_a_child_who_declined_to_cooperate_receives_all_seven_services(demo):
    muhammad = demo_case("ALV-02")
    assert CooperationRecord.objects.get(case=muhammad).status == CooperationStatus.DECLINES
    kinds = set(SupportService.objects.filter(case=muhammad).values_list("kind", flat=True))
    assert kinds == set(ServiceKind.values)


def test_the_demo_alerts_the_provider_of_a_request_still_open(demo):
    assert Alert.objects.filter(kind=AlertKind.SERVICE_REQUESTED, done_at__isnull=True).exists()


def test_seeding_again_creates_nothing(demo):
    assert (demo.services, demo.cooperation) == (14, 3)
    again = seed_support()
    assert again.created == 0
    assert (again.services, again.active, again.cooperation) == (demo.services, demo.active, demo.cooperation)
    assert "14 services" in again.describe()
    assert OtherReasonApproval.objects.count() == 1


def test_the_demo_ends_and_declines_for_listed_reasons_and_an_other_reason_awaits_the_supervisor(demo):
    closed = SupportService.objects.exclude(end_reason="", decline_reason="")
    assert {s.end_reason or s.decline_reason for s in closed} <= {EndReason.COMPLETED, DeclineReason.NO_CAPACITY}
    pending = OtherReasonApproval.objects.get()
    assert (pending.status, pending.service.status) == (ApprovalStatus.PENDING, ServiceStatus.PROVIDED)
