import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import Role
from tests.accounts.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_me_lists_the_callers_active_roles():
    membership = MembershipFactory(role=Role.SUPERVISOR)
    client = APIClient()
    client.force_authenticate(membership.user)
    body = client.get(reverse("api:me")).json()
    assert body["email"] == membership.user.email
    assert body["memberships"] == [
        {
            "agency": membership.agency.name,
            "agency_id": membership.agency.pk,
            "agency_kind": "child_protection",
            "country": "PT",
            "team": None,
            "role": "supervisor",
            "since": body["memberships"][0]["since"],
        }
    ]


def test_an_anonymous_caller_gets_problem_details():
    response = APIClient().get(reverse("api:me"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["status"] == 403
    assert body["request_id"] == response["X-Request-Id"]


def test_a_wrong_method_is_problem_details_too():
    client = APIClient()
    client.force_authenticate(MembershipFactory().user)
    response = client.delete(reverse("api:me"))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
