"""The solutions admin: scoped like every channel, writes only through the services, and every
refusal of the gates shown with its code, posting like the browser does."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.rules import CATALOGUE
from apps.family.models import FamilyConclusion
from apps.family.services import relative_suspected_link_set
from apps.solutions import services
from apps.solutions.models import DurableSolution, FollowUpVisit, ReintegrationPlan, SolutionStatus, SolutionType
from tests.accounts.factories import UserFactory
from tests.cases.factories import register
from tests.conftest import make_staff as _staff
from tests.solutions.factories import (
    DAY,
    NOW,
    asylum_pending,
    determination,
    planned,
    release_ready,
    return_ready,
    world,
)

pytestmark = pytest.mark.django_db

RETURN_CODES = [
    "RETURN_REQUIRES_BID", "RETURN_REQUIRES_BID.NOT_APPROVED", "RETURN_REQUIRES_BID.DOES_NOT_RECOMMEND",
    "RETURN_REQUIRES_RISK_ASSESSMENT", "RETURN_REQUIRES_RISK_ASSESSMENT.EXPIRED",
    "RETURN_REQUIRES_RISK_ASSESSMENT.NOT_SAFE", "RETURN_REQUIRES_REINTEGRATION_PLAN",
    "RETURN_REQUIRES_REINTEGRATION_PLAN.NO_RECEIVING_AGENCY", "RETURN_REQUIRES_REINTEGRATION_PLAN.NO_CAREGIVER",
    "RETURN_REQUIRES_REINTEGRATION_PLAN.SERVICES_UNCONFIRMED", "RETURN_REQUIRES_REINTEGRATION_PLAN.NO_ESCORT",
    "RETURN_REQUIRES_REINTEGRATION_PLAN.NO_STATE_CONSULTATION", "RETURN_REQUIRES_CHILD_VIEWS.NO_VIEWS",
    "RETURN_REQUIRES_CHILD_VIEWS.NO_GUARDIAN_CONSENT", "RETURN_REQUIRES_CHILD_VIEWS.OBJECTION_NOT_ADDRESSED",
    "RETURN_BLOCKED_PROTECTION_CLAIM.ASYLUM_PENDING", "RETURN_BLOCKED_PROTECTION_CLAIM.REFUGEE_STATUS",
    "RETURN_BLOCKED_PROTECTION_CLAIM.RISK_OF_SERIOUS_HARM",
]  # fmt: skip


def _changelist(model):
    return reverse(f"admin:solutions_{model}_changelist")


def _add(model):
    return reverse(f"admin:solutions_{model}_add")


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _shown(code, **facts):
    message = str(CATALOGUE[code].message) % facts if facts else str(CATALOGUE[code].message)
    return f"{message} ({code})"


@pytest.fixture
def w():
    people = world()
    _staff(people.caseworker)
    _staff(people.supervisor)
    return people


def _decide(client, user, solution):
    client.force_login(user)
    return client.post(
        _changelist("durablesolution"),
        {"action": "decide", "_selected_action": [solution.pk], "confirm": "yes", "reason": "All on file."},
        follow=True,
    )


# --- Deciding: each code refused and allowed ---------------------------------------------------------
def test_a_return_with_nothing_on_file_shows_every_missing_condition_with_its_code(client, w):
    solution = planned(w, SolutionType.RETURN)
    messages = " ".join(_messages(_decide(client, w.supervisor, solution)))
    for code in ("RETURN_REQUIRES_BID", "RETURN_REQUIRES_RISK_ASSESSMENT", "RETURN_REQUIRES_REINTEGRATION_PLAN",
                 "RETURN_REQUIRES_CHILD_VIEWS.NO_VIEWS", "RETURN_REQUIRES_CHILD_VIEWS.NO_GUARDIAN_CONSENT"):  # fmt: skip
        assert _shown(code) in messages
    assert DurableSolution.objects.get(pk=solution.pk).status == SolutionStatus.PLANNED


def test_the_decide_action_shows_a_protection_claim_and_decides_nothing(client, w):
    solution = return_ready(w)
    asylum_pending(w.case, w.caseworker)
    [message] = _messages(_decide(client, w.supervisor, solution))
    assert message.endswith(_shown("RETURN_BLOCKED_PROTECTION_CLAIM.ASYLUM_PENDING"))
    assert DurableSolution.objects.get(pk=solution.pk).status == SolutionStatus.PLANNED


def test_the_decide_action_shows_a_determination_not_approved_and_not_recommending(client, w):
    solution = planned(w, SolutionType.RETURN)
    determination(w.case, w.supervisor, recommendation=SolutionType.LOCAL_INTEGRATION, approved=False)
    messages = " ".join(_messages(_decide(client, w.supervisor, solution)))
    assert _shown("RETURN_REQUIRES_BID.NOT_APPROVED") in messages
    assert _shown("RETURN_REQUIRES_BID.DOES_NOT_RECOMMEND") in messages


def test_a_complete_return_is_decided_through_the_action(client, w):
    solution = return_ready(w)
    response = _decide(client, w.supervisor, solution)
    assert any("decided" in m for m in _messages(response))
    assert DurableSolution.objects.get(pk=solution.pk).status == SolutionStatus.DECIDED


def test_a_caseworker_deciding_is_told_only_a_supervisor_may(client, w):
    solution = return_ready(w)
    [message] = _messages(_decide(client, w.caseworker, solution))
    assert "Only a supervisor" in message
    assert DurableSolution.objects.get(pk=solution.pk).status == SolutionStatus.PLANNED


def test_a_release_shows_the_verification_codes_then_is_decided(client, w):
    refused = release_ready(w, identity=False, assessment=FamilyConclusion.NOT_SUITABLE)
    messages = " ".join(_messages(_decide(client, w.supervisor, refused)))
    assert _shown("RELEASE_REQUIRES_VERIFICATION.IDENTITY") in messages
    assert _shown("RELEASE_REQUIRES_VERIFICATION.NOT_SUITABLE") in messages
    other = world()
    _staff(other.supervisor)
    allowed = release_ready(other)
    _decide(client, other.supervisor, allowed)
    assert DurableSolution.objects.get(pk=allowed.pk).status == SolutionStatus.DECIDED


def test_the_decide_action_shows_a_suspected_link_and_decides_once_it_is_cleared(client, w):
    solution = release_ready(w)
    relative_suspected_link_set(actor=w.caseworker, relative=solution.relative, suspected=True,
                                note="Fictional: seen with the recruiter.")  # fmt: skip
    [message] = _messages(_decide(client, w.supervisor, solution))
    assert message.endswith(_shown("RELEASE_REQUIRES_VERIFICATION.SUSPECTED_LINK"))
    assert DurableSolution.objects.get(pk=solution.pk).status == SolutionStatus.PLANNED
    relative_suspected_link_set(actor=w.caseworker, relative=solution.relative, suspected=False,
                                note="Fictional: the police identified another man.")  # fmt: skip
    _decide(client, w.supervisor, solution)
    assert DurableSolution.objects.get(pk=solution.pk).status == SolutionStatus.DECIDED


def test_the_decide_action_resettles_in_a_safe_third_country_despite_a_pending_claim(client, w):
    solution = return_ready(w, kind=SolutionType.RESETTLEMENT)
    asylum_pending(w.case, w.caseworker)
    _decide(client, w.supervisor, solution)
    assert DurableSolution.objects.get(pk=solution.pk).status == SolutionStatus.DECIDED


def test_local_integration_without_a_determination_shows_bid_required(client, w):
    solution = planned(w, SolutionType.LOCAL_INTEGRATION)
    messages = " ".join(_messages(_decide(client, w.supervisor, solution)))
    assert "(BID_REQUIRED)" in messages
    assert "(CHILD_VIEWS_REQUIRED)" in messages
    assert "(GUARDIAN_OPINION_REQUIRED)" in messages


def test_every_return_code_is_in_the_catalogue():
    assert all(code in CATALOGUE for code in RETURN_CODES)


# --- Adding through the services ---------------------------------------------------------------------
def test_a_caseworker_plans_a_return_from_the_add_page(client, w):
    client.force_login(w.caseworker)
    response = client.post(_add("durablesolution"), {"case": w.case.pk, "kind": SolutionType.RETURN, "country": "",
                                                     "details_text": "Fictional plan."})  # fmt: skip
    assert response.status_code == 302
    solution = DurableSolution.objects.get(case=w.case)
    assert (solution.kind, solution.country, solution.planned_by) == (SolutionType.RETURN, "MA", w.caseworker)


def test_a_release_without_an_adult_is_shown_on_the_form(client, w):
    client.force_login(w.caseworker)
    response = client.post(_add("durablesolution"), {"case": w.case.pk, "kind": SolutionType.RELEASE_TO_ADULT})
    assert response.status_code == 200
    assert "Name the relative or other adult" in response.content.decode()
    assert not DurableSolution.objects.exists()


def test_the_reintegration_plan_is_recorded_from_the_add_page(client, w):
    solution = planned(w, SolutionType.RETURN)
    client.force_login(w.caseworker)
    response = client.post(_add("reintegrationplan"), {
        "solution": solution.pk, "receiving_agency_name": "Fictional office", "caregiver_text": "Grandmother",
        "caregiver_agreed_at_0": (NOW - DAY).strftime("%Y-%m-%d"), "caregiver_agreed_at_1": "10:00:00",
        "caregiver_able": "true", "escort": "Fictional escort",
    })  # fmt: skip
    assert response.status_code == 302
    plan = ReintegrationPlan.objects.get(solution=solution)
    assert (plan.caregiver_able, plan.escort) == (True, "Fictional escort")
    assert plan.caregiver is not None
    assert b"Grandmother" not in bytes(plan.caregiver)


def test_a_follow_up_visit_is_recorded_through_an_action(client, w):
    solution = services.solution_decide(actor=w.supervisor, solution=release_ready(w), at=NOW)
    services.solution_implement(actor=w.caseworker, solution=solution, at=NOW)
    visit = FollowUpVisit.objects.order_by("due_at").first()
    client.force_login(w.caseworker)
    client.post(_changelist("followupvisit"), {"action": "record_visit", "_selected_action": [visit.pk],
                                                "confirm": "yes", "outcome": "safe_and_well", "visited_by": "Me"})  # fmt: skip
    visit.refresh_from_db()
    assert (visit.outcome, visit.recorded_by) == ("safe_and_well", w.caseworker)


# --- Scope ------------------------------------------------------------------------------------------
def test_another_agencys_solutions_are_not_listed_and_not_found(client, w):
    solution = planned(w, SolutionType.RETURN)
    other = world()
    client.force_login(_staff(other.caseworker))
    assert str(w.case.reference) not in client.get(_changelist("durablesolution")).content.decode()
    page = reverse("admin:solutions_durablesolution_change", args=[solution.pk])
    assert client.get(page).status_code == 404


def test_a_superuser_without_a_case_role_sees_nothing(client, w):
    planned(w, SolutionType.RETURN)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(_changelist("durablesolution")).status_code == 403


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_changelist("durablesolution")).status_code == 200
    return len(queries)


def test_the_solutions_list_costs_the_same_for_one_solution_or_six(client, w):
    planned(w, SolutionType.RETURN)
    client.force_login(w.caseworker)
    _list_queries(client)  # the first request of a session costs more (its own bookkeeping)
    one = _list_queries(client)
    for _ in range(5):
        case = register(w.caseworker, w.case.owning_agency, child_facts={"nationalities": ["MA"]}).case
        services.solution_plan(actor=w.caseworker, case=case, kind=SolutionType.LOCAL_INTEGRATION,
                               residence_status="victim_permit")  # fmt: skip
    assert _list_queries(client) == one
    assert one <= 25  # room for other apps' entries in the admin sidebar
