"""Referrals in the admin: the same refusals as the service, on the form, nothing written; the
receiver's incoming list and replies; revoking and reviewing; what the lists cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import AgencyKind
from apps.audit.models import RecordAccess
from apps.guardianship.selectors import active_appointment
from apps.referrals.models import LegalBasis, Referral, ReferralState, ServiceKind
from tests.conftest import make_staff as _staff
from tests.family.factories import asylum_claim, guardian_for, partner_agency
from tests.referrals.factories import PURPOSE, case_with_staff, hospital, send

pytestmark = pytest.mark.django_db

ADD = reverse("admin:referrals_referral_add")
SENT = reverse("admin:referrals_referral_changelist")
INCOMING = reverse("admin:referrals_incomingreferral_changelist")


@pytest.fixture
def w():
    case, caseworker, supervisor = case_with_staff(
        child_facts={"unaccompanied": True, "nationalities": ["MA"], "country_of_origin": "MA"}
    )
    health, staff = hospital()
    return {"case": case, "caseworker": _staff(caseworker), "supervisor": _staff(supervisor), "health": health,
            "staff": _staff(staff)}  # fmt: skip


def form(w, **values):
    data = {"case": w["case"].pk, "to_agency": w["health"].pk, "kind": "service", "service": ServiceKind.HEALTH,
            "legal_basis": LegalBasis.LEGAL_DUTY, "legal_reference": "", "purpose": PURPOSE,
            "sections": ["record", "identity", "health"], "urgency": "routine", "reply_by_0": "", "reply_by_1": "",
            "expires_at_0": "", "expires_at_1": "", "guardian_consent": "", "urgent_reason": ""}  # fmt: skip
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def police(w):
    return partner_agency(AgencyKind.POLICE)[0]


def origin_counterpart(w):
    asylum_claim(w["case"], w["caseworker"])
    return partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="MA")[0]


def _guardian(w):
    guardian_for(w["case"])
    return active_appointment(case=w["case"], at=timezone.now()).pk


REFUSED = {
    "SHARING_NOT_ALLOWED.NO_LEGAL_BASIS": lambda w: {"legal_basis": ""},
    "SHARING_NOT_ALLOWED.NO_LEGAL_REFERENCE": lambda w: {"legal_basis": LegalBasis.COURT_ORDER},
    "SHARING_NOT_ALLOWED.CONSENT_INCOMPLETE": lambda w: {"legal_basis": LegalBasis.CONSENT, "child_consent": "on"},
    "SHARING_NOT_ALLOWED.SECTIONS_BEYOND_PURPOSE": lambda w: {"sections": ["record", "narrative"]},
    "SHARING_NOT_ALLOWED.NOT_FOR_PROTECTION": lambda w: {"to_agency": police(w).pk, "sections": ["record"]},
    "SHARING_NOT_ALLOWED.COUNTRY_OF_ORIGIN": lambda w: {"to_agency": origin_counterpart(w).pk, "kind": "transfer",
                                                        "service": "", "sections": ["record"]},
    "SHARING_NOT_ALLOWED.URGENT_NO_REASON": lambda w: {"legal_basis": LegalBasis.URGENT_PROTECTION,
                                                       "sections": ["record"]},
    "SHARING_NOT_ALLOWED.OWN_AGENCY": lambda w: {"to_agency": w["case"].owning_agency.pk},
}  # fmt: skip

ALLOWED = {
    "legal duty": lambda w: {},
    "court order with its reference": lambda w: {"legal_basis": LegalBasis.COURT_ORDER, "legal_reference": "12/26"},
    "consent of the child and the acting guardian": lambda w: {
        "legal_basis": LegalBasis.CONSENT, "child_consent": "on",
        "guardian_consent": _guardian(w)},
    "the sections the purpose needs by default": lambda w: {"sections": []},
    "police protection to the police": lambda w: {"to_agency": police(w).pk, "service": ServiceKind.POLICE_PROTECTION,
                                                  "sections": ["record", "protection"]},
    "urgent protection with a reason": lambda w: {"legal_basis": LegalBasis.URGENT_PROTECTION, "sections": ["record"],
                                                  "urgent_reason": "Found by the recruiter tonight."},
}  # fmt: skip


@pytest.mark.parametrize("code", sorted(REFUSED))
def test_the_form_shows_each_refusal_and_writes_nothing(client, w, code):
    client.force_login(w["caseworker"])
    response = client.post(ADD, form(w, **REFUSED[code](w)))
    assert response.status_code == 200
    assert code in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_the_form_sends_what_the_rules_allow(client, w, name):
    client.force_login(w["caseworker"])
    response = client.post(ADD, form(w, **ALLOWED[name](w)))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Referral.objects.count() == 1


def test_the_receiver_lists_what_is_asked_of_its_agency_and_accepts(client, w):
    referral = send(w["caseworker"], w["case"], w["health"])
    client.force_login(w["staff"])
    page = client.get(INCOMING).content.decode()
    assert PURPOSE in page
    assert "Health" in page
    assert RecordAccess.objects.filter(actor=w["staff"], case=w["case"]).exists()
    client.post(INCOMING, {"action": "accept", "_selected_action": [referral.pk], "confirm": "yes"})
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED


def test_another_agencys_staff_see_nothing_incoming(client, w):
    send(w["caseworker"], w["case"], w["health"])
    client.force_login(_staff(hospital()[1]))
    response = client.get(INCOMING)
    assert PURPOSE not in response.content.decode()
    assert len(response.context["cl"].result_list) == 0


def test_the_receiver_declines_with_a_reason(client, w):
    referral = send(w["caseworker"], w["case"], w["health"])
    client.force_login(w["staff"])
    client.post(INCOMING, {"action": "decline", "_selected_action": [referral.pk], "confirm": "yes",
                           "reason": "No paediatric dentist this month."})  # fmt: skip
    referral.refresh_from_db()
    assert referral.state == ReferralState.DECLINED


def test_the_sender_revokes_and_the_supervisor_reviews_an_urgent_one(client, w):
    referral = send(w["caseworker"], w["case"], w["health"], legal_basis=LegalBasis.URGENT_PROTECTION,
                    sections=["record"], urgent_reason="Found by the recruiter tonight.")  # fmt: skip
    client.force_login(w["caseworker"])
    client.post(SENT, {"action": "revoke", "_selected_action": [referral.pk], "confirm": "yes",
                       "reason": "Moved to another shelter."})  # fmt: skip
    client.force_login(w["supervisor"])
    client.post(SENT, {"action": "review", "_selected_action": [referral.pk], "confirm": "yes", "note": "Right."})
    referral.refresh_from_db()
    assert (referral.state, referral.reviewed_by) == (ReferralState.REVOKED, w["supervisor"])


@pytest.mark.parametrize(("who", "url"), [("caseworker", SENT), ("staff", INCOMING)])
def test_the_lists_cost_the_same_queries_for_one_referral_or_five(client, w, who, url):
    send(w["caseworker"], w["case"], w["health"])
    client.force_login(w[who])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _n in range(4):
        send(w["caseworker"], w["case"], w["health"])
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 5
    assert len(five) == len(one), "\n".join(q["sql"][:300] for q in five.captured_queries)
    assert len(five) <= 25
