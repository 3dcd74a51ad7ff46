"""Asking for a guardian and answering, in the admin over HTTP: the same services as every channel."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.accounts.models import AgencyKind, Role
from apps.cases.sections import Section
from apps.guardianship.models import AppointmentKind, GuardianAppointment, GuardianProfile
from apps.referrals.models import Referral, ReferralState
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.cases.factories import caseworker_in, register
from tests.conftest import make_staff as _staff
from tests.guardianship.factories import eligible_guardian, guardianship_authority

pytestmark = pytest.mark.django_db

REQUESTS = "admin:guardianship_guardianrequest_changelist"
ASK = "admin:guardianship_guardianrequest_add"


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def caseworker():
    return _staff(caseworker_in(AgencyFactory()))


@pytest.fixture
def case(caseworker):
    agency = caseworker.memberships.get().agency
    return register(caseworker, agency, child_facts={"unaccompanied": True, "languages": ["Wolof"]}).case


@pytest.fixture
def authority():
    return guardianship_authority()


@pytest.fixture
def head(authority):
    return _staff(MembershipFactory(role=Role.SUPERVISOR, agency=authority).user)


def _ask(client, case, authority, **extra):
    data = {"case": case.pk, "authority": authority.pk, "legal_basis": "legal_duty", "purpose": "A representative.",
            "sections": [Section.RECORD, Section.IDENTITY, Section.FAMILY], "_save": "Save", **extra}  # fmt: skip
    return client.post(reverse(ASK), data)


def _propose(client, request, **data):
    return client.post(reverse(REQUESTS), {"action": "propose_and_appoint", "_selected_action": [request.pk], **data})


def test_ask_answer_and_see_the_answer_on_the_case_over_http(client, caseworker, case, authority, head):
    guardian = _staff(eligible_guardian(authority))
    GuardianProfile.objects.filter(user=guardian).update(languages=["Wolof"])
    client.force_login(caseworker)
    assert client.get(reverse(ASK), {"case": case.pk}).context["adminform"].form.initial["authority"] == str(
        authority.pk
    )

    assert _ask(client, case, authority).status_code == 302
    request = Referral.objects.get()

    client.force_login(head)
    assert [r.pk for r in client.get(reverse(REQUESTS)).context["cl"].result_list] == [request.pk]
    proposal = _propose(client, request)
    assert proposal.status_code == 200
    [candidate] = proposal.context["candidates"]
    assert (candidate.guardian, candidate.eligible, candidate.shared_languages) == (guardian, True, ("Wolof",))
    assert b"Wolof" in proposal.content

    done = _propose(client, request, confirm="yes", guardian=guardian.pk, kind="", over_cap_reason="")
    assert done.status_code == 302
    appointment = GuardianAppointment.objects.get()
    assert (appointment.guardian, appointment.kind, appointment.answers_id) == (
        guardian,
        AppointmentKind.PROVISIONAL,
        request.pk,
    )
    request.refresh_from_db()
    assert request.state == ReferralState.COMPLETED

    client.force_login(guardian)
    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200

    client.force_login(caseworker)
    listing = client.get(reverse(REQUESTS))
    assert [r.pk for r in listing.context["cl"].result_list] == [request.pk]
    assert str(guardian).encode() in listing.content


def test_asking_a_police_agency_for_a_guardian_is_refused_on_the_form(client, caseworker, case):
    client.force_login(caseworker)

    response = _ask(client, case, AgencyFactory(kind=AgencyKind.POLICE))

    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_an_ineligible_guardian_is_shown_with_why_and_refused(client, caseworker, case, authority, head):
    untrained = eligible_guardian(authority, trained=False)
    client.force_login(caseworker)
    _ask(client, case, authority)
    request = Referral.objects.get()
    client.force_login(head)

    proposal = _propose(client, request)
    assert b"GUARDIAN_NOT_ELIGIBLE.NOT_QUALIFIED" in proposal.content

    refused = _propose(client, request, confirm="yes", guardian=untrained.pk, kind="", over_cap_reason="")
    assert refused.status_code == 200
    assert "GUARDIAN_NOT_ELIGIBLE.NOT_QUALIFIED" in str(refused.context["form"].non_field_errors())
    assert not GuardianAppointment.objects.exists()


def test_the_staff_of_another_authority_see_no_request_and_cannot_answer(client, caseworker, case, authority):
    guardian = eligible_guardian(authority)
    client.force_login(caseworker)
    _ask(client, case, authority)
    request = Referral.objects.get()
    stranger = _staff(MembershipFactory(role=Role.SUPERVISOR, agency=guardianship_authority()).user)
    client.force_login(stranger)

    assert list(client.get(reverse(REQUESTS)).context["cl"].result_list) == []
    _propose(client, request, confirm="yes", guardian=guardian.pk, kind="", over_cap_reason="")
    assert not GuardianAppointment.objects.exists()


def test_ask_for_a_guardian_from_the_case_list_opens_the_request_for_that_case(client, caseworker, case):
    client.force_login(caseworker)

    response = client.post(
        reverse("admin:cases_case_changelist"), {"action": "ask_for_guardian", "_selected_action": [case.pk]}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse(ASK)}?case={case.pk}"


def test_the_request_list_costs_the_same_queries_for_one_request_or_five(client, caseworker, authority, head):
    """Each row shows R1's deadlines and the answer: read with the list, not row by row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.guardianship import requests

    agency = caseworker.memberships.get().agency

    def ask() -> None:
        case = register(caseworker, agency, child_facts={"unaccompanied": True}).case
        requests.guardian_request_send(actor=caseworker, case=case, authority=authority, purpose="A representative.")

    ask()
    client.force_login(head)
    client.get(reverse(REQUESTS))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(REQUESTS))
    for _n in range(4):
        ask()
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse(REQUESTS))
    assert len(response.context["cl"].result_list) == 5
    assert len(five) == len(one), "\n".join(q["sql"][:300] for q in five.captured_queries)
