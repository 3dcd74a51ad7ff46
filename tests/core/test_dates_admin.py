"""Through the admin, as a browser posts it: an implausible date is shown in plain words on the
form, and nothing is saved."""

from html import unescape

import pytest
from django.urls import reverse

from apps.age.models import AgeClaim
from apps.cases.models import Case, Child
from apps.rights.models import ProtectionClaim, ResidencePermit
from tests.cases.factories import read_identity
from tests.cases.test_admin import _details, _registration, _staff
from tests.rights.factories import case_with_staff

pytestmark = pytest.mark.django_db


def page(response):
    return unescape(response.content.decode())


@pytest.fixture
def staffed():
    case, caseworker, supervisor = case_with_staff()
    return case, _staff(caseworker), _staff(supervisor)


@pytest.fixture
def cw(client, staffed):
    client.force_login(staffed[1])
    return client


@pytest.mark.parametrize(
    ("birth", "message"),
    [
        ("2999-01-01", "The birth date (2999-01-01) is in the future: record only what has already happened."),
        ("1850-06-01", "The birth date (1850-06-01) is before 1900-01-01: check the year."),
    ],
)
def test_the_registration_form_refuses_a_birth_date_in_2999_or_1850(cw, staffed, birth, message):
    agency = staffed[0].owning_agency
    response = cw.post(reverse("admin:cases_case_add"), _registration(agency, birth_date=birth))
    assert response.status_code == 200
    assert message in page(response)
    assert Case.objects.count() == 1  # only the fixture's
    assert Child.objects.count() == 1


def test_the_registration_form_refuses_an_identification_date_in_2099(cw, staffed):
    agency = staffed[0].owning_agency
    post = _registration(agency) | {"identified_at_0": "2099-01-01", "identified_at_1": "10:00:00"}
    response = cw.post(reverse("admin:cases_case_add"), post)
    assert response.status_code == 200
    assert "The identification date (2099-01-01 10:00" in page(response)
    assert "is in the future" in page(response)
    assert Case.objects.count() == 1


def test_the_change_form_refuses_a_birth_date_in_1850_and_keeps_the_old_one(cw, staffed):
    case = staffed[0]
    before = read_identity(case.child).birth_date
    post = _details(case, birth_date="1850-01-01", reason="Fictional: the child's papers say so.")
    response = cw.post(reverse("admin:cases_case_change", args=[case.pk]), post)
    assert response.status_code == 200
    assert "The birth date (1850-01-01) is before 1900-01-01: check the year." in page(response)
    assert read_identity(Child.objects.get(pk=case.child_id)).birth_date == before


def test_an_age_claim_in_1850_is_refused_by_the_service_with_its_code_on_the_form(cw, staffed):
    case = staffed[0]
    response = cw.post(reverse("admin:age_ageclaim_add"), {"case": case.pk, "birth_date": "1850-01-01"})
    assert response.status_code == 200
    assert "The birth date (1850-01-01) is before 1900-01-01: check the year. (DATE_NOT_PLAUSIBLE.TOO_EARLY)" in page(
        response
    )
    assert not AgeClaim.objects.exists()


def test_a_permit_valid_until_2099_is_refused_on_the_form(cw, staffed):
    post = {"case": staffed[0].pk, "kind": "victim", "number_text": "RP-0099123", "issued_on": "2026-01-10",
            "expires_on": "2099-01-10"}  # fmt: skip
    response = cw.post(reverse("admin:rights_residencepermit_add"), post)
    assert response.status_code == 200
    assert "The expiry date (2099-01-10) is more than 30 years ahead" in page(response)
    assert "(DATE_NOT_PLAUSIBLE.TOO_FAR_AHEAD)" in page(response)
    assert not ResidencePermit.objects.exists()


def test_a_claim_lodged_in_2099_is_refused_on_the_form(cw, staffed):
    post = {"case": staffed[0].pk, "kind": "asylum", "lodged_on": "2099-01-01", "authority": "National Asylum Office"}
    response = cw.post(reverse("admin:rights_protectionclaim_add"), post)
    assert response.status_code == 200
    assert "The date the claim was lodged (2099-01-01) is in the future" in page(response)
    assert not ProtectionClaim.objects.exists()
