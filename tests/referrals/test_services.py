"""Referrals (R8): sending with its legal basis, purpose and sections; the receiver's replies;
revocation at any step; expiry; urgent protection; the alerts each step raises."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.alerts.models import Alert, AlertKind
from apps.alerts.selectors import alert_list
from apps.core.rules import RuleViolation
from apps.guardianship.selectors import active_appointment
from apps.referrals import services
from apps.referrals.models import LegalBasis, Referral, ReferralEvent, ReferralKind, ReferralState, ServiceKind
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.cases.sealed import stored
from tests.family.factories import asylum_claim, guardian_for, partner_agency
from tests.referrals.factories import PURPOSE, case_with_staff, hospital, in_days, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed():
    # A Moroccan child (MA), unaccompanied, held by an agency in Portugal.
    return case_with_staff(child_facts={"unaccompanied": True, "nationalities": ["MA"], "country_of_origin": "MA"})


@pytest.fixture
def case(staffed):
    return staffed[0]


@pytest.fixture
def caseworker(staffed):
    return staffed[1]


@pytest.fixture
def supervisor(staffed):
    return staffed[2]


@pytest.fixture
def health():
    return hospital()


def refused(call):
    """The codes of the refusal; nothing was written."""
    before = (Referral.objects.count(), ReferralEvent.objects.count(), Alert.objects.count())
    with pytest.raises(RuleViolation) as refusal:
        call()
    assert (Referral.objects.count(), ReferralEvent.objects.count(), Alert.objects.count()) == before
    return set(refusal.value.codes)


# --- Sending ------------------------------------------------------------------------------------
def test_a_referral_is_sent_with_its_purpose_sealed_and_the_receiving_staff_alerted(case, caseworker, health):
    agency, _staff = health
    referral = send(caseworker, case, agency)
    assert referral.state == ReferralState.SENT
    assert referral.from_agency == case.owning_agency
    assert stored(referral, "purpose") == PURPOSE
    assert PURPOSE.encode() not in bytes(referral.purpose)
    alerts = Alert.objects.filter(kind=AlertKind.SERVICE_REQUESTED, agency=agency, case=case)
    assert set(alerts.values_list("role", flat=True)) == {Role.PARTNER_STAFF, Role.CASEWORKER, Role.SUPERVISOR}
    assert list(referral.events.values_list("kind", flat=True)) == ["sent"]


def test_without_sections_a_referral_shares_what_its_purpose_needs_and_r8_shares_by_default(case, caseworker, health):
    referral = send(caseworker, case, health[0], sections=None)
    assert set(referral.sections) == {"record", "identity", "health", "protection", "communication"}


def test_no_legal_basis_or_no_purpose_is_refused(case, caseworker, health):
    assert refused(lambda: send(caseworker, case, health[0], legal_basis="")) == {"SHARING_NOT_ALLOWED.NO_LEGAL_BASIS"}
    assert refused(lambda: send(caseworker, case, health[0], purpose=" ")) == {"SHARING_NOT_ALLOWED.NO_LEGAL_BASIS"}


def test_a_court_order_names_its_reference(case, caseworker, health):
    codes = refused(lambda: send(caseworker, case, health[0], legal_basis=LegalBasis.COURT_ORDER))
    assert codes == {"SHARING_NOT_ALLOWED.NO_LEGAL_REFERENCE"}
    referral = send(caseworker, case, health[0], legal_basis=LegalBasis.COURT_ORDER, legal_reference="Proc. 12/26")
    assert referral.legal_reference == "Proc. 12/26"


def test_consent_needs_the_child_and_the_acting_guardian(case, caseworker, health):
    codes = refused(lambda: send(caseworker, case, health[0], legal_basis=LegalBasis.CONSENT))
    assert codes == {"SHARING_NOT_ALLOWED.CONSENT_INCOMPLETE", "GUARDIAN_REQUIRED"}
    guardian_for(case)
    codes = refused(lambda: send(caseworker, case, health[0], legal_basis=LegalBasis.CONSENT, child_consent=True))
    assert codes == {"SHARING_NOT_ALLOWED.CONSENT_INCOMPLETE"}


def test_consent_of_the_child_and_the_acting_guardian_lets_it_go(case, caseworker, health):
    guardian_for(case)
    appointment = active_appointment(case=case, at=timezone.now())
    referral = send(caseworker, case, health[0], legal_basis=LegalBasis.CONSENT, child_consent=True,
                    guardian_consent=appointment)  # fmt: skip
    assert referral.guardian_consent == appointment
    assert referral.child_consent_at is not None


def test_a_child_who_needs_no_guardian_consents_alone(caseworker, health):
    case = case_with_staff(child_facts={"unaccompanied": False, "nationalities": ["PT"]})[0]
    caseworker = case.registered_by
    referral = send(caseworker, case, health[0], legal_basis=LegalBasis.CONSENT, child_consent=True)
    assert referral.guardian_consent is None


def test_sections_beyond_the_purpose_are_refused_by_name(case, caseworker, health):
    codes = refused(lambda: send(caseworker, case, health[0], sections=["record", "health", "narrative", "legal"]))
    assert codes == {"SHARING_NOT_ALLOWED.SECTIONS_BEYOND_PURPOSE"}
    with pytest.raises(RuleViolation) as refusal:
        send(caseworker, case, health[0], sections=["record", "narrative"])
    assert "Exploitation narrative" in refusal.value.violations[0].message


def test_the_police_receive_a_childs_data_only_for_police_protection(case, caseworker):
    police = partner_agency(AgencyKind.POLICE)[0]
    codes = refused(lambda: send(caseworker, case, police, sections=["record", "identity"]))
    assert codes == {"SHARING_NOT_ALLOWED.NOT_FOR_PROTECTION"}
    referral = send(caseworker, case, police, service=ServiceKind.POLICE_PROTECTION,
                    sections=["record", "identity", "protection"])  # fmt: skip
    assert referral.service == ServiceKind.POLICE_PROTECTION


def test_the_narrative_goes_to_the_police_only_under_a_court_order(case, caseworker):
    police = partner_agency(AgencyKind.POLICE)[0]
    values = {"service": ServiceKind.POLICE_PROTECTION, "sections": ["record", "narrative"]}
    assert refused(lambda: send(caseworker, case, police, **values)) == {"SHARING_NOT_ALLOWED.SECTIONS_BEYOND_PURPOSE"}
    send(caseworker, case, police, legal_basis=LegalBasis.COURT_ORDER, legal_reference="Proc. 7/26", **values)


def test_the_origin_authorities_need_the_childs_views_and_the_guardians_consent(case, caseworker):
    counterpart = partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="MA")[0]
    values = {"kind": ReferralKind.TRANSFER, "service": "", "sections": ["record", "identity"]}
    guardian_for(case)
    assert refused(lambda: send(caseworker, case, counterpart, **values)) == {
        "SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_CHILD_VIEWS",
        "SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_GUARDIAN_CONSENT",
    }
    assert refused(lambda: send(caseworker, case, counterpart, child_consent=True, **values)) == {
        "SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_GUARDIAN_CONSENT"
    }
    appointment = active_appointment(case=case, at=timezone.now())
    send(caseworker, case, counterpart, child_consent=True, guardian_consent=appointment, **values)


def test_nothing_goes_to_the_origin_authorities_while_an_asylum_claim_is_pending(case, caseworker):
    counterpart = partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="MA")[0]
    guardian_for(case)
    appointment = active_appointment(case=case, at=timezone.now())
    values = {"kind": ReferralKind.TRANSFER, "service": "", "sections": ["record", "identity"], "child_consent": True,
              "guardian_consent": appointment}  # fmt: skip
    send(caseworker, case, counterpart, **values)  # no claim yet, the child and guardian agree: allowed
    asylum_claim(case, caseworker)
    assert refused(lambda: send(caseworker, case, counterpart, **values)) == {"SHARING_NOT_ALLOWED.COUNTRY_OF_ORIGIN"}


def test_an_ngo_in_the_country_of_origin_is_not_its_authorities(case, caseworker):
    asylum_claim(case, caseworker)
    ngo = partner_agency(AgencyKind.NGO_SERVICE_PROVIDER, country="MA")[0]
    send(caseworker, case, ngo, service=ServiceKind.PSYCHOSOCIAL, sections=["record", "identity"])


# --- Urgent protection --------------------------------------------------------------------------
def urgent(caseworker, case, agency, **values):
    return send(caseworker, case, agency, **{
        "legal_basis": LegalBasis.URGENT_PROTECTION, "urgent_reason": "The trafficker found her shelter tonight.",
        "sections": ["record", "identity", "protection"], **values})  # fmt: skip


def test_urgent_protection_is_never_blocked_by_consent_or_purpose_rules(case, caseworker, supervisor):
    police = partner_agency(AgencyKind.POLICE)[0]
    referral = urgent(caseworker, case, police, service=ServiceKind.SHELTER)  # not "police protection": still goes
    assert referral.urgency == "urgent"
    assert stored(referral, "urgent_reason") == "The trafficker found her shelter tonight."
    review = Alert.objects.get(kind=AlertKind.URGENT_ACTION_REVIEW, case=case)
    assert (review.agency, review.role) == (case.owning_agency, Role.SUPERVISOR)
    assert review.due_at == referral.sent_at + timedelta(hours=72)


def test_urgent_protection_needs_a_reason_and_only_the_minimum_sections(case, caseworker, health):
    codes = refused(lambda: urgent(caseworker, case, health[0], urgent_reason="", sections=["record", "health"]))
    assert codes == {"SHARING_NOT_ALLOWED.URGENT_NO_REASON", "SHARING_NOT_ALLOWED.SECTIONS_BEYOND_PURPOSE"}


def test_a_supervisor_reviews_an_urgent_referral_once(case, caseworker, supervisor, health):
    referral = urgent(caseworker, case, health[0])
    assert list(Referral.objects.awaiting_review()) == [referral]
    with pytest.raises(Http404):
        services.referral_review(actor=caseworker, referral=referral, note="fine")
    services.referral_review(actor=supervisor, referral=referral, note="Right call.")
    assert not Referral.objects.awaiting_review().exists()
    assert Alert.objects.get(kind=AlertKind.URGENT_ACTION_REVIEW).done_at is not None
    codes = refused(lambda: services.referral_review(actor=supervisor, referral=referral))
    assert codes == {"SHARING_NOT_ALLOWED.NOT_AWAITING_REVIEW"}


# --- Bad input: a clear refusal, nothing written ----------------------------------------------------
def test_an_unknown_or_inactive_agency_is_refused(case, caseworker):
    closed = AgencyFactory(kind=AgencyKind.HEALTH, is_active=False)
    assert refused(lambda: send(caseworker, case, None)) == {"SHARING_NOT_ALLOWED.UNKNOWN_AGENCY"}
    assert refused(lambda: send(caseworker, case, closed)) == {"SHARING_NOT_ALLOWED.UNKNOWN_AGENCY"}


def test_a_referral_to_the_own_agency_is_refused(case, caseworker):
    assert refused(lambda: send(caseworker, case, case.owning_agency)) == {"SHARING_NOT_ALLOWED.OWN_AGENCY"}


def test_no_section_or_an_unknown_one_is_refused(case, caseworker, health):
    assert refused(lambda: send(caseworker, case, health[0], sections=[])) == {"SHARING_NOT_ALLOWED.NO_SECTIONS"}
    codes = refused(lambda: send(caseworker, case, health[0], sections=["record", "diary"]))
    assert codes == {"SHARING_NOT_ALLOWED.UNKNOWN_SECTION"}


def test_a_service_referral_names_its_service(case, caseworker, health):
    assert refused(lambda: send(caseworker, case, health[0], service="")) == {"SHARING_NOT_ALLOWED.NO_SERVICE"}


def test_a_deadline_in_the_past_or_implausibly_far_is_refused(case, caseworker, health):
    codes = refused(lambda: send(caseworker, case, health[0], reply_by=in_days(-1)))
    assert codes == {"SHARING_NOT_ALLOWED.DEADLINE_PASSED"}
    codes = refused(lambda: send(caseworker, case, health[0], expires_at=in_days(-1)))
    assert codes == {"SHARING_NOT_ALLOWED.DEADLINE_PASSED"}
    codes = refused(lambda: send(caseworker, case, health[0], reply_by=in_days(365 * 30)))
    assert codes == {"DATE_NOT_PLAUSIBLE.TOO_FAR_AHEAD"}


def test_someone_outside_the_case_cannot_send(case, health):
    stranger = MembershipFactory(role=Role.CASEWORKER).user
    with pytest.raises(Http404):
        send(stranger, case, health[0])
    assert not Referral.objects.exists()


# --- The receiver's replies and access --------------------------------------------------------------
def test_a_service_opens_the_case_from_acceptance_until_completion(case, caseworker, health):
    agency, staff = health
    referral = send(caseworker, case, agency)
    assert not Referral.objects.granting_access(at=timezone.now()).exists()
    services.referral_acknowledge(actor=staff, referral=referral)
    accepted = services.referral_accept(actor=staff, referral=referral)
    assert list(Referral.objects.granting_access(at=timezone.now())) == [accepted]
    done = services.referral_complete(actor=staff, referral=referral)
    assert done.state == ReferralState.COMPLETED
    assert not Referral.objects.granting_access(at=done.ended_at).exists()
    assert Referral.objects.granting_access(at=done.accepted_at).exists()
    kinds = list(done.events.values_list("kind", flat=True))
    assert kinds == ["sent", "acknowledged", "accepted", "completed"]
    assert not Alert.objects.filter(kind=AlertKind.SERVICE_REQUESTED, agency=agency, done_at__isnull=True).exists()


def test_a_transfer_is_read_from_the_moment_it_is_sent(case, supervisor):
    montalba = AgencyFactory(country="ES", time_zone="Europe/Madrid")
    referral = send(supervisor, case, montalba, kind=ReferralKind.TRANSFER, service="", sections=None)
    assert Referral.objects.granting_access(at=referral.sent_at).exists()


def test_only_the_receiving_agencys_staff_reply(case, caseworker, health):
    referral = send(caseworker, case, health[0])
    for outsider in (caseworker, MembershipFactory(role=Role.PARTNER_STAFF).user):
        with pytest.raises(Http404):
            services.referral_accept(actor=outsider, referral=referral)


def test_a_decline_has_a_reason_and_tells_the_caseworker(case, caseworker, health):
    agency, staff = health
    referral = send(caseworker, case, agency)
    declined = services.referral_decline(actor=staff, referral=referral, reason="No paediatric dentist this month.")
    assert declined.state == ReferralState.DECLINED
    assert declined.ended_at == declined.declined_at
    assert stored(declined, "decline_reason") == "No paediatric dentist this month."
    alert = Alert.objects.get(key=f"referral-declined:{referral.pk}:")
    assert alert.user == caseworker


def test_a_step_out_of_order_is_refused(case, caseworker, health):
    agency, staff = health
    referral = send(caseworker, case, agency)
    assert refused(lambda: services.referral_complete(actor=staff, referral=referral)) == {
        "SHARING_NOT_ALLOWED.NOT_ACCEPTED"
    }
    services.referral_accept(actor=staff, referral=referral)
    assert refused(lambda: services.referral_acknowledge(actor=staff, referral=referral)) == {
        "SHARING_NOT_ALLOWED.ALREADY_REPLIED"
    }


@pytest.mark.parametrize("steps", [(), ("acknowledge",), ("acknowledge", "accept")])
def test_the_sender_revokes_at_any_step_and_access_ends_that_second(case, caseworker, health, steps):
    agency, staff = health
    referral = send(caseworker, case, agency)
    for step in steps:
        getattr(services, f"referral_{step}")(actor=staff, referral=referral)
    revoked = services.referral_revoke(actor=caseworker, referral=referral, reason="The child moved away.")
    assert revoked.state == ReferralState.REVOKED
    assert not Referral.objects.granting_access(at=revoked.revoked_at).exists()
    assert stored(revoked, "revoke_reason") == "The child moved away."
    for reply in ("acknowledge", "accept", "complete"):
        codes = refused(lambda reply=reply: getattr(services, f"referral_{reply}")(actor=staff, referral=referral))
        assert codes == {"SHARING_NOT_ALLOWED.REFERRAL_NOT_ACTIVE"}
    with pytest.raises(RuleViolation):
        services.referral_revoke(actor=caseworker, referral=referral, reason="again")


def test_only_the_sending_agency_revokes(case, caseworker, health):
    agency, staff = health
    referral = send(caseworker, case, agency)
    with pytest.raises(Http404):
        services.referral_revoke(actor=staff, referral=referral, reason="Not ours to keep.")


# --- Expiry and deadlines ------------------------------------------------------------------------
def test_access_ends_at_expiry_before_any_task_runs_and_the_task_marks_it(case, caseworker, health):
    agency, staff = health
    sent_at = timezone.now() - timedelta(days=3)
    referral = send(caseworker, case, agency, at=sent_at, expires_at=sent_at + timedelta(days=2))
    services.referral_accept(actor=staff, referral=referral, at=sent_at + timedelta(hours=1))
    assert Referral.objects.granting_access(at=sent_at + timedelta(days=1)).exists()
    assert not Referral.objects.granting_access(at=timezone.now()).exists()
    codes = refused(lambda: services.referral_complete(actor=staff, referral=referral))
    assert codes == {"SHARING_NOT_ALLOWED.REFERRAL_NOT_ACTIVE"}
    assert services.referrals_expire() == 1
    referral.refresh_from_db()
    assert (referral.state, referral.ended_at) == (ReferralState.EXPIRED, referral.expires_at)
    assert services.referrals_expire() == 0


@pytest.mark.parametrize("end", ["revoked", "declined"])
def test_the_receivers_alert_names_the_case_only_while_the_referral_is_open(case, caseworker, health, end):
    agency, staff = health
    referral = send(caseworker, case, agency)
    # Not accepted yet, so the case is not open to the hospital; the alert to reply is.
    assert [a.case for a in alert_list(actor=staff)] == [case]
    if end == "revoked":
        services.referral_revoke(actor=caseworker, referral=referral, reason="Fictional: consent withdrawn.")
    else:
        services.referral_decline(actor=staff, referral=referral, reason="Fictional: no capacity.")
    assert list(alert_list(actor=staff, include_done=True)) == []


def test_the_receivers_alert_goes_at_expiry_before_any_task_marks_it(case, caseworker, health):
    agency, staff = health
    sent_at = timezone.now() - timedelta(days=3)
    send(caseworker, case, agency, at=sent_at, expires_at=timezone.now() - timedelta(hours=1))
    assert Alert.objects.filter(case=case, agency=agency, done_at__isnull=True).exists()
    assert list(alert_list(actor=staff, include_done=True)) == []


def test_a_reply_not_come_by_its_deadline_tells_the_sender_once(case, caseworker, health):
    agency, staff = health
    sent_at = timezone.now() - timedelta(days=3)
    referral = send(caseworker, case, agency, at=sent_at, reply_by=sent_at + timedelta(days=1))
    assert list(Referral.objects.overdue(timezone.now())) == [referral]
    assert services.referrals_overdue_alert() == 1
    assert services.referrals_overdue_alert() == 0
    alert = Alert.objects.get(key=f"referral-overdue:{referral.pk}:")
    assert (alert.user, alert.agency) == (caseworker, case.owning_agency)
    services.referral_acknowledge(actor=staff, referral=referral)
    alert.refresh_from_db()
    assert alert.done_at is not None
    assert not Referral.objects.overdue(timezone.now()).exists()


# --- Hooks for the apps that build on referrals -------------------------------------------------------
def test_the_callers_guard_refuses_with_the_referrals_own_violations(case, caseworker, health):
    codes = refused(lambda: send(caseworker, case, health[0], sections=[],
                                 guard=lambda found: found.add("SHARING_NOT_ALLOWED.TRANSFER_CASE_CLOSED")))  # fmt: skip
    assert codes == {"SHARING_NOT_ALLOWED.NO_SECTIONS", "SHARING_NOT_ALLOWED.TRANSFER_CASE_CLOSED"}


def test_an_accepted_hook_runs_for_its_kind_only(case, caseworker, health, monkeypatch):
    seen = []
    monkeypatch.setattr(services, "_ON_ACCEPTED", {})
    services.on_accepted(ReferralKind.GUARDIANSHIP, lambda **kw: seen.append(kw["referral"].pk))
    agency, staff = health
    services.referral_accept(actor=staff, referral=send(caseworker, case, agency))
    assert seen == []
