"""Transferring a case from its page in the admin, over HTTP."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from apps.accounts.models import AgencyKind
from apps.cases.models import Case
from apps.referrals.models import Referral, ReferralKind
from tests.accounts.factories import AgencyFactory, TeamFactory
from tests.cases.factories import caseworker_in, register, supervisor_in
from tests.conftest import make_staff as _staff

pytestmark = pytest.mark.django_db

CASES = "admin:cases_case_changelist"


def _transfer(client, case, **data):
    return client.post(reverse(CASES), {"action": "transfer_case", "_selected_action": [case.pk], **data})


@pytest.fixture
def alvora():
    return AgencyFactory(country="PT")


@pytest.fixture
def case(alvora):
    return register(caseworker_in(alvora, TeamFactory(agency=alvora)), alvora).case


def test_a_supervisor_transfers_the_case_and_loses_it_once_the_receiver_accepts_it(client, alvora, case):
    montalba = AgencyFactory(country="ES", time_zone="Europe/Madrid")
    boss = _staff(supervisor_in(alvora))
    client.force_login(boss)

    assert _transfer(client, case).status_code == 200  # the page asking where to
    done = _transfer(client, case, confirm="yes", to_agency=montalba.pk, purpose="She moves to her aunt.")

    assert done.status_code == 302
    referral = Referral.objects.get(kind=ReferralKind.TRANSFER)
    assert referral.to_agency == montalba
    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200

    receiver = Client()
    receiver.force_login(_staff(supervisor_in(montalba)))
    incoming = reverse("admin:referrals_incomingreferral_changelist")
    accepted = receiver.post(incoming, {"action": "accept", "_selected_action": [referral.pk], "confirm": "yes"})

    assert accepted.status_code == 302
    assert Case.objects.get(pk=case.pk).owning_agency == montalba
    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 404
    assert receiver.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200


def test_a_transfer_to_a_country_without_child_protection_is_refused_with_its_code(client, alvora, case):
    AgencyFactory(country="FR", kind=AgencyKind.HEALTH)
    client.force_login(_staff(supervisor_in(alvora)))

    response = _transfer(client, case, confirm="yes", country="FR", purpose="Moving.")

    assert not Referral.objects.exists()
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("SHARING_NOT_ALLOWED.TRANSFER_NO_RECEIVER" in m for m in messages)


def test_a_caseworker_is_not_offered_the_transfer(client, alvora, case):
    client.force_login(_staff(caseworker_in(alvora)))

    listing = client.get(reverse(CASES))

    form = listing.context["action_form"]
    assert form is None or "transfer_case" not in dict(form.fields["action"].choices)
