"""The guards of the family records, one small function each. They add to a Violations collector.

- R8: nothing goes to the authorities of the child's country of origin while a protection
  claim is pending or refugee status is held, nor while the case records that contact could
  endanger the child or family; otherwise only with the child's informed views and the
  guardian's consent — a consent record of the acting guardian (`consent_stands`), never a
  tick on the caseworker's form.
- R4: a release to a relative or any other adult needs their identity and relationship
  verified and a family assessment that covers links to the exploitation — "a relative can
  be a trafficker". Other apps deciding a release call `release_verified`.
"""

from datetime import datetime

from django.utils.translation import gettext as _

from apps.care.models import MissingReport
from apps.cases.models import Case
from apps.core.rules import Violations
from apps.family.models import STATE_CHANNELS, FamilyConclusion, Relative, TracingConsent, TracingNotDoneReason
from apps.family.selectors import current_security_assessment, family_assessment_for, standing_not_done
from apps.guardianship.models import DecisionKind
from apps.guardianship.rules import guardian_opinion_recorded, guardian_present, needs_guardian
from apps.guardianship.selectors import active_appointments
from apps.rights.selectors import protection_status


def origin_countries(case: Case) -> set[str]:
    """The child's country of origin and nationalities: the states whose authorities R8 keeps
    away while protection is claimed. The owning agency's own country is never "abroad"."""
    child = case.child
    countries = {c for c in [child.country_of_origin, *child.nationalities] if c}
    return countries - {case.owning_agency.country}


def reaches_origin_authorities(case: Case, *, country: str, via: str) -> bool:
    """A request through a state channel (a counterpart agency, the authorities, the police)
    into one of the child's origin countries reaches that state's authorities. The Red Cross,
    an NGO or the caseworker's own enquiries do not."""
    return via in STATE_CHANNELS and country in origin_countries(case)


def contact_endangers(*, case: Case, country: str, at: datetime) -> list[str]:
    """What the case records that says contact with `country` could endanger the child or family."""
    reasons: list[str] = []
    if standing_not_done(case=case, at=at).filter(reason=TracingNotDoneReason.UNSAFE).exists():
        reasons.append(_("tracing is recorded as unsafe"))
    assessment = current_security_assessment(case=case, country=country, at=at)
    if assessment is not None and assessment.serious_harm_found:
        reasons.append(_("the risk and security assessment found a real risk of serious harm"))
    # A missing-from-care report that withheld notice to this country for the same reason.
    if MissingReport.objects.filter(
        case=case, may_have_crossed_to=country, notice_could_endanger=True, recorded_at__lte=at
    ).exists():
        reasons.append(_("notice to that country was withheld because it could endanger the child or family"))
    return reasons


def consent_stands(consent: TracingConsent | None, *, case: Case, country: str, at: datetime) -> bool:
    """The guardian's consent to tracing in `country` counts at `at`: recorded by then, for this
    case and this country, under an appointment still active then — a guardian since handed
    over or ended consents for nobody."""
    if consent is None or consent.case_id != case.pk or consent.country != country or consent.recorded_at > at:
        return False
    return active_appointments(at=at).filter(pk=consent.appointment_id, case=case).exists()


def origin_authorities_barred(found: Violations, *, case: Case, country: str, at: datetime) -> bool:
    """SHARING_NOT_ALLOWED.COUNTRY_OF_ORIGIN, and True, while a protection claim is pending,
    refugee status or a real risk of serious harm is held, or the case records that contact with
    `country` could endanger the child or family: the one bar for anything that reaches the
    authorities of the child's country of origin (a tracing request, a referral). No consent lifts it."""
    status = protection_status(case=case, at=at)
    reasons: list[str] = []
    if status.asylum_pending:
        reasons.append(_("an asylum or international-protection claim is pending"))
    if status.refugee_status:
        reasons.append(_("the child has refugee status"))
    if status.serious_harm_found:
        reasons.append(_("a real risk of serious harm on return was found"))
    reasons += contact_endangers(case=case, country=country, at=at)
    if reasons:
        found.add("SHARING_NOT_ALLOWED.COUNTRY_OF_ORIGIN", country=country, reasons="; ".join(reasons))
    return bool(reasons)


def no_contact_with_origin_authorities(
    found: Violations,
    *,
    case: Case,
    country: str,
    via: str,
    child_views: str,
    guardian_consent: TracingConsent | None,
    at: datetime,
) -> None:
    """SHARING_NOT_ALLOWED.COUNTRY_OF_ORIGIN while protection is claimed or held, or contact
    could endanger; otherwise the child's views and (for a child who needs one) the guardian's
    consent, as a record that stands (`consent_stands`). Consent does not lift the bar:
    "whatever the consent"."""
    if not reaches_origin_authorities(case, country=country, via=via):
        return
    if origin_authorities_barred(found, case=case, country=country, at=at):
        return
    found.check(bool(child_views.strip()), "SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_CHILD_VIEWS", country=country)
    if needs_guardian(case.child):
        # Consent-based sharing needs an active guardian to give it (R1).
        guardian_present(found, case=case, action=_("contact with the country of origin"), at=at)
        found.check(
            consent_stands(guardian_consent, case=case, country=country, at=at),
            "SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_GUARDIAN_CONSENT",
            country=country,
        )


def release_verified(found: Violations, *, relative: Relative, at: datetime, subject: str | None = None) -> None:
    """RELEASE_REQUIRES_VERIFICATION for a release of the child to `relative` at `at`: every
    missing step at once. `subject` is the release decision's own id; when given, the
    guardian's opinion on it must be recorded too (GUARDIAN_OPINION_REQUIRED's refinement
    for a release)."""
    found.check(relative.identity_verified_at is not None and relative.identity_verified_at <= at,
                "RELEASE_REQUIRES_VERIFICATION.IDENTITY")  # fmt: skip
    found.check(relative.relationship_verified_at is not None and relative.relationship_verified_at <= at,
                "RELEASE_REQUIRES_VERIFICATION.RELATIONSHIP")  # fmt: skip
    found.check(not relative.suspected_link, "RELEASE_REQUIRES_VERIFICATION.SUSPECTED_LINK")
    assessment = family_assessment_for(relative=relative, at=at)
    if assessment is None or not assessment.covers_exploitation_links:
        found.add("RELEASE_REQUIRES_VERIFICATION.FAMILY_ASSESSMENT")
    elif assessment.conclusion == FamilyConclusion.NOT_SUITABLE:
        found.add("RELEASE_REQUIRES_VERIFICATION.NOT_SUITABLE")
    if subject is not None:
        opinion = Violations()
        guardian_opinion_recorded(
            opinion, case=relative.case, decision=DecisionKind.RELEASE_TO_ADULT, subject=subject,
            action=_("a release to an adult"), at=at,
        )  # fmt: skip
        if opinion:
            found.add("RELEASE_REQUIRES_VERIFICATION.GUARDIAN_OPINION")
