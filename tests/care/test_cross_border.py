"""A placement across a border (R4): with a care provider in another country, or a family
abroad, it goes through the whole return gate of its decided durable solution — unless it is
urgent, when it is recorded and flagged to its reviewers instead."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import AgencyKind
from apps.care.models import Placement, PlacementKind, UrgentActionKind
from apps.care.services import placement_record, urgent_action_flags
from apps.core.rules import CATALOGUE, RuleViolation
from apps.solutions.models import SolutionType
from apps.solutions.services import solution_decide
from tests.accounts.factories import AgencyFactory
from tests.conftest import make_staff as _staff
from tests.solutions.factories import asylum_pending, return_ready, world

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


@pytest.fixture
def w():
    return world(country="PT", origin="MA")


@pytest.fixture
def home_abroad():
    return AgencyFactory(kind=AgencyKind.CARE_PROVIDER, country="MA")


def decided_return(w):
    solution = return_ready(w, kind=SolutionType.RETURN, country="MA")
    return solution_decide(actor=w.supervisor, solution=solution, reason="Fictional: safe with her grandmother")


def place(w, **kwargs):
    kwargs.setdefault("kind", PlacementKind.FOSTER)
    return placement_record(actor=w.caseworker, case=w.case, at=timezone.now(), **kwargs)


def test_a_placement_with_a_provider_abroad_without_a_decided_solution_is_refused(w, home_abroad):
    with pytest.raises(RuleViolation) as refused:
        place(w, provider=home_abroad)
    assert refused.value.codes == ["RETURN_REQUIRES_BID.NO_DECIDED_SOLUTION"]
    assert not Placement.objects.exists()


def test_a_family_placement_abroad_without_a_provider_is_refused_too(w):
    with pytest.raises(RuleViolation) as refused:
        place(w, kind=PlacementKind.KINSHIP, country="MA")
    assert refused.value.codes == ["RETURN_REQUIRES_BID.NO_DECIDED_SOLUTION"]


def test_a_solution_that_is_only_planned_does_not_open_the_border(w, home_abroad):
    planned = return_ready(w, kind=SolutionType.RETURN, country="MA")
    with pytest.raises(RuleViolation) as refused:
        place(w, provider=home_abroad, solution=planned)
    assert refused.value.codes == ["RETURN_REQUIRES_BID.NO_DECIDED_SOLUTION"]


def test_a_solution_for_another_country_does_not_open_this_border(w):
    decided = decided_return(w)
    elsewhere = AgencyFactory(kind=AgencyKind.CARE_PROVIDER, country="DZ")
    with pytest.raises(RuleViolation):
        place(w, provider=elsewhere, solution=decided)


def test_a_placement_abroad_on_a_decided_solution_whose_gate_holds_goes_through(w, home_abroad):
    decided = decided_return(w)
    placement = place(w, provider=home_abroad, solution=decided)
    assert (placement.country, placement.urgent) == ("MA", False)


def test_the_gate_is_asked_again_when_the_child_is_placed(w, home_abroad):
    # Decided last week; an asylum claim lodged since: non-refoulement stops the move now.
    decided = decided_return(w)
    asylum_pending(w.case, w.caseworker)
    with pytest.raises(RuleViolation) as refused:
        place(w, provider=home_abroad, solution=decided)
    assert "RETURN_BLOCKED_PROTECTION_CLAIM.ASYLUM_PENDING" in refused.value.codes
    assert not Placement.objects.exists()


def test_a_placement_in_the_agencys_own_country_needs_no_solution(w):
    home = AgencyFactory(kind=AgencyKind.CARE_PROVIDER, country="PT")
    assert place(w, provider=home).country == "PT"


def test_the_country_is_the_providers_and_must_be_iso(w, home_abroad):
    with pytest.raises(ValidationError) as wrong:
        place(w, provider=home_abroad, country="PT")
    assert "country" in wrong.value.message_dict
    with pytest.raises(ValidationError):
        place(w, kind=PlacementKind.KINSHIP, country="Morocco")


@pytest.mark.parametrize("kind", [UrgentActionKind.EMERGENCY_PLACEMENT, UrgentActionKind.SAFETY_MOVE])
def test_an_urgent_placement_abroad_is_recorded_and_flagged_for_review(w, home_abroad, kind):
    asylum_pending(w.case, w.caseworker)
    placement = place(w, provider=home_abroad, urgent=True, urgent_kind=kind,
                      urgent_reason="Fictional: the trafficker found her; the border town shelter is nearest")  # fmt: skip
    assert (placement.country, placement.urgent) == ("MA", True)
    assert any("MA" in flag and "R4" in flag for flag in urgent_action_flags(placement.urgent_action))


# --- Through the admin ---------------------------------------------------------------------------


def _post(w, **values):
    return {"case": w.case.pk, "kind": PlacementKind.FOSTER, "urgent_kind": UrgentActionKind.EMERGENCY_PLACEMENT,
            **values}  # fmt: skip


def test_a_placement_abroad_without_a_decided_solution_is_refused_in_the_admin(client, w, home_abroad):
    client.force_login(_staff(w.caseworker))
    response = client.post(reverse("admin:care_placement_add"), _post(w, provider=home_abroad.pk))
    assert response.status_code == 200
    message = str(CATALOGUE["RETURN_REQUIRES_BID.NO_DECIDED_SOLUTION"].message) % {"country": "MA"}
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Placement.objects.exists()


def test_a_placement_abroad_on_a_decided_solution_is_added_in_the_admin(client, w, home_abroad):
    decided = decided_return(w)
    client.force_login(_staff(w.caseworker))
    response = client.post(reverse("admin:care_placement_add"),
                           _post(w, provider=home_abroad.pk, solution=decided.pk))  # fmt: skip
    assert response.status_code == 302, [str(m) for m in get_messages(response.wsgi_request)]
    assert Placement.objects.get().country == "MA"


def test_an_urgent_placement_abroad_is_added_in_the_admin(client, w, home_abroad):
    client.force_login(_staff(w.caseworker))
    response = client.post(reverse("admin:care_placement_add"), _post(
        w, provider=home_abroad.pk, urgent="on", urgent_reason="Fictional: nearest safe place tonight"))  # fmt: skip
    assert response.status_code == 302
    assert Placement.objects.get().urgent_action.kind == UrgentActionKind.EMERGENCY_PLACEMENT
