"""The first rule on a child in the worst state: every urgent protective action goes through —
whatever the records say — is recorded with its reason, and is due for review.

`worst_state` builds the child no ordinary rule would let anyone act for (see its docstring);
each kind of urgent action is taken on it through the service and through the admin. An
urgent placement supersedes the placements in its way: the current one ends, a planned one
is cancelled, and each is shown to the urgent action's reviewers.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import cast

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Agency, AgencyKind
from apps.alerts.models import Alert, AlertKind
from apps.care.models import MissingReport, Placement, PlacementKind, UrgentAction, UrgentActionKind
from apps.care.services import (
    missing_report,
    placement_end,
    placement_record,
    urgent_action_flags,
    urgent_action_record,
)
from apps.cases.models import Case, CaseState
from apps.voice.models import ViewsDecision
from tests.accounts.factories import AgencyFactory
from tests.care.factories import WorstState, case_with_staff, worst_state
from tests.cases.sealed import stored
from tests.conftest import make_staff as _staff
from tests.voice.factories import heard

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)
REASON = "Fictional: the trafficker was seen outside the house tonight"


def _care_provider_in(country: str) -> Agency:
    return cast(Agency, AgencyFactory(kind=AgencyKind.CARE_PROVIDER, country=country))


def _placement(kind: str) -> Callable[[WorstState], UrgentAction]:
    def take(w: WorstState) -> UrgentAction:
        # A shelter abroad (in the first agency's country, where the child is), with no
        # justification: each of these would stop a placement that is not urgent.
        shelter = _care_provider_in(w.first_agency.country)
        placement = placement_record(actor=w.caseworker, case=w.case, kind=PlacementKind.SHELTER, provider=shelter,
                                     urgent=True, urgent_kind=kind, urgent_reason=REASON, at=w.at)  # fmt: skip
        return placement.urgent_action

    return take


def _action(kind: str) -> Callable[[WorstState], UrgentAction]:
    def take(w: WorstState) -> UrgentAction:
        return urgent_action_record(actor=w.caseworker, case=w.case, kind=kind, reason=REASON, at=w.at)

    return take


def _missing(w: WorstState) -> UrgentAction:
    return missing_report(
        actor=w.caseworker, case=w.case, reason=REASON, may_have_crossed_to="MA", at=w.at
    ).urgent_action


# Every urgent protective action, each through its own service: a kind added to
# UrgentActionKind without an entry here fails below.
TAKE: dict[str, Callable[[WorstState], UrgentAction]] = {
    UrgentActionKind.EMERGENCY_PLACEMENT: _placement(UrgentActionKind.EMERGENCY_PLACEMENT),
    UrgentActionKind.SAFETY_MOVE: _placement(UrgentActionKind.SAFETY_MOVE),
    UrgentActionKind.MEDICAL_CARE: _action(UrgentActionKind.MEDICAL_CARE),
    UrgentActionKind.MISSING_REPORT: _missing,
    UrgentActionKind.URGENT_PROTECTIVE_REFERRAL: _action(UrgentActionKind.URGENT_PROTECTIVE_REFERRAL),
    UrgentActionKind.HALT_REMOVAL: _action(UrgentActionKind.HALT_REMOVAL),
}


def _review_alert(action: UrgentAction) -> Alert:
    return Alert.objects.get(kind=AlertKind.URGENT_ACTION_REVIEW, key=f"urgent:{action.pk}")


@pytest.fixture
def w() -> WorstState:
    return worst_state()


def test_the_worst_state_is_as_bad_as_it_says(w):
    case = Case.objects.select_related("child", "owning_agency").get(pk=w.case.pk)
    assert case.state == CaseState.CLOSED
    assert case.owning_agency.country != w.first_agency.country
    assert case.version > w.case.version
    assert case.child.birth_date is None
    assert not case.guardian_appointments.exists()
    assert case.protection_claims.exists()
    assert case.held_events.filter(released_at__isnull=True).exists()
    assert w.planned.starts_at > w.at
    assert w.overlapping.starts_at < w.at < w.overlapping.ends_at


def test_every_urgent_action_kind_is_covered():
    assert set(TAKE) == set(UrgentActionKind.values)


@pytest.mark.parametrize("kind", UrgentActionKind.values)
def test_every_urgent_action_goes_through_on_a_child_in_the_worst_state(w, kind):
    action = TAKE[kind](w)
    action.refresh_from_db()
    assert (action.kind, stored(action, "reason"), action.taken_by, action.case_id) == (
        kind, REASON, w.caseworker, w.case.pk)  # fmt: skip
    assert action.review_due_at > action.taken_at
    assert action.supervisor_reviewed_at is None
    assert _review_alert(action).due_at == action.review_due_at


@pytest.mark.parametrize("kind", [UrgentActionKind.EMERGENCY_PLACEMENT, UrgentActionKind.SAFETY_MOVE])
def test_an_urgent_placement_supersedes_the_current_the_overlapping_and_the_planned_placement(w, kind):
    action = TAKE[kind](w)
    urgent = action.placement
    current, overlapping, planned = (Placement.objects.get(pk=p.pk) for p in (w.current, w.overlapping, w.planned))
    assert (current.ends_at, overlapping.ends_at) == (w.at, w.at)
    assert current.superseded_by == overlapping.superseded_by == planned.superseded_by == urgent
    assert current.cancelled_at is None
    assert (planned.cancelled_at, planned.ends_at, planned.ended_by) == (w.at, planned.starts_at, w.caseworker)
    assert REASON in stored(planned, "end_reason")
    assert list(Placement.objects.filter(case=w.case, ends_at__isnull=True)) == [urgent]


def test_the_urgent_placements_review_shows_what_it_superseded_and_the_border_it_crossed(w):
    action = TAKE[UrgentActionKind.EMERGENCY_PLACEMENT](w)
    flags = urgent_action_flags(action)
    assert sum("cancelled" in flag for flag in flags) == 1
    assert sum("ended" in flag for flag in flags) == 2
    assert any(w.first_agency.country in flag and "R4" in flag for flag in flags)
    detail = _review_alert(action).detail
    assert "cancelled" in detail
    assert w.first_agency.country in detail


def test_a_missing_report_on_a_stale_case_still_raises_the_risk(w):
    TAKE[UrgentActionKind.MISSING_REPORT](w)
    assert Case.objects.get(pk=w.case.pk).risk_level == Case.RiskLevel.CRITICAL
    assert MissingReport.objects.filter(case=w.case).count() == 2


def test_a_planned_placement_no_longer_blocks_an_emergency_placement_tonight():
    case, caseworker, _boss = case_with_staff()
    now = timezone.now()
    placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER, at=now - 10 * DAY)
    heard(case, ViewsDecision.PLACEMENT_CHANGE, actor=caseworker, at=now - DAY)
    planned = placement_record(actor=caseworker, case=case, kind=PlacementKind.KINSHIP, starts_at=now + 7 * DAY,
                               at=now - DAY)  # fmt: skip
    urgent = placement_record(actor=caseworker, case=case, kind=PlacementKind.SHELTER, urgent=True,
                              urgent_reason=REASON, at=now)  # fmt: skip
    planned.refresh_from_db()
    assert (planned.cancelled_at, planned.superseded_by) == (now, urgent)


# --- A planned placement is cancelled, not ended before it starts --------------------------------
def test_a_planned_placement_is_cancelled_with_its_reason_and_the_current_one_goes_on():
    case, caseworker, _boss = case_with_staff()
    now = timezone.now()
    current = placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER, at=now - 10 * DAY)
    heard(case, ViewsDecision.PLACEMENT_CHANGE, actor=caseworker, at=now - DAY)
    planned = placement_record(actor=caseworker, case=case, kind=PlacementKind.KINSHIP, starts_at=now + 7 * DAY,
                               at=now - DAY)  # fmt: skip
    current.refresh_from_db()
    # Ended by the change: no words of its own (pages say PLACEMENT_CHANGED).
    assert (current.ends_at, current.end_reason) == (planned.starts_at, None)
    cancelled = placement_end(actor=caseworker, placement=planned, reason="The aunt cannot take her after all", at=now)
    assert (cancelled.cancelled_at, cancelled.ends_at, stored(cancelled, "end_reason")) == (
        now, planned.starts_at, "The aunt cannot take her after all")  # fmt: skip
    current.refresh_from_db()
    assert current.ends_at is None
    assert current.end_reason is None
    with pytest.raises(ValidationError):
        placement_end(actor=caseworker, placement=cancelled, reason="Again", at=now)


def test_a_placement_that_has_started_still_cannot_end_before_it_starts():
    case, caseworker, _boss = case_with_staff()
    now = timezone.now()
    placement = placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER, at=now - DAY)
    with pytest.raises(ValidationError):
        placement_end(actor=caseworker, placement=placement, reason="Typo", ends_at=now - 2 * DAY, at=now)


def test_a_placement_that_is_not_urgent_is_still_refused_while_a_later_one_is_planned(w):
    heard(w.case, ViewsDecision.PLACEMENT_CHANGE, actor=w.caseworker, at=w.at)
    with pytest.raises(ValidationError) as refused:
        placement_record(actor=w.caseworker, case=w.case, kind=PlacementKind.FOSTER, country="ES",
                         separation_decision="BID-FICTIONAL-1", at=w.at + timedelta(minutes=1))  # fmt: skip
    assert "starts_at" in refused.value.message_dict


# --- Through the admin ---------------------------------------------------------------------------


def _admin_post(w: WorstState, kind: str) -> tuple[str, dict[str, object]]:
    if kind in (UrgentActionKind.EMERGENCY_PLACEMENT, UrgentActionKind.SAFETY_MOVE):
        shelter = _care_provider_in(w.first_agency.country)
        return "placement", {"case": w.case.pk, "kind": PlacementKind.SHELTER, "provider": shelter.pk,
                             "urgent": "on", "urgent_kind": kind, "urgent_reason": REASON}  # fmt: skip
    if kind == UrgentActionKind.MISSING_REPORT:
        return "missingreport", {"case": w.case.pk, "reason": REASON, "may_have_crossed_to": "MA"}
    return "urgentaction", {"case": w.case.pk, "kind": kind, "reason": REASON}


@pytest.mark.parametrize("kind", UrgentActionKind.values)
def test_every_urgent_action_goes_through_the_admin_on_a_child_in_the_worst_state(client, w, kind):
    client.force_login(_staff(w.caseworker))
    model, post = _admin_post(w, kind)
    response = client.post(reverse(f"admin:care_{model}_add"), post)
    assert response.status_code == 302, [str(m) for m in get_messages(response.wsgi_request)]
    action = UrgentAction.objects.filter(case=w.case, kind=kind).latest("pk")
    assert (action.taken_by, stored(action, "reason")) == (w.caseworker, REASON)
    assert _review_alert(action).due_at == action.review_due_at


def test_the_urgent_actions_admin_page_shows_the_cancelled_placement_to_its_reviewer(client, w):
    action = TAKE[UrgentActionKind.SAFETY_MOVE](w)
    client.force_login(_staff(w.supervisor))
    page = client.get(reverse("admin:care_urgentaction_change", args=[action.pk])).content.decode()
    assert "cancelled" in page
    assert "R4" in page


def test_a_planned_placement_is_cancelled_through_the_admin_action(client):
    case, caseworker, _boss = case_with_staff()
    now = timezone.now()
    placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER, at=now - 10 * DAY)
    heard(case, ViewsDecision.PLACEMENT_CHANGE, actor=caseworker, at=now - DAY)
    planned = placement_record(actor=caseworker, case=case, kind=PlacementKind.KINSHIP, starts_at=now + 7 * DAY,
                               at=now - DAY)  # fmt: skip
    client.force_login(_staff(caseworker))
    client.post(reverse("admin:care_placement_changelist"), {
        "action": "end_placement", "_selected_action": [planned.pk], "confirm": "1", "reason": "Plan dropped"})  # fmt: skip
    planned.refresh_from_db()
    assert planned.cancelled_at is not None
    assert stored(planned, "end_reason") == "Plan dropped"
