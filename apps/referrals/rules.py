"""The guards of a referral (R8), one small function each, adding to a Violations collector.

- The legal basis and purpose: every referral records both (NO_LEGAL_BASIS); a court order
  names which (NO_LEGAL_REFERENCE).
- Consent as the basis needs every part of it (CONSENT_INCOMPLETE): the child's assent or
  consent, and for a child who needs a guardian the consent of the guardian acting now,
  recorded as their appointment (a guardian since handed over speaks for nobody).
- Need to know: each purpose receives only the sections it needs (`PURPOSE_SECTIONS`;
  SECTIONS_BEYOND_PURPOSE names the others). The form offers SHARED_BY_DEFAULT ∩ those.
- Police, immigration and prosecution receive a child's data only for the child's protection
  (NOT_FOR_PROTECTION): the service asked must be police protection, or the basis urgent
  protection. Haven keeps no separate "protection" tick: the purpose is the service asked.
- The authorities of the child's country of origin: the one bar of apps/family/rules.py
  (`origin_authorities_barred`), for a state channel (`ORIGIN_STATE_KINDS`) of an origin country.
- Urgent protection (the first rule): a caseworker refers alone, with a reason
  (URGENT_NO_REASON) and the minimum sections only (`URGENT_SECTIONS`); no other rule above
  blocks it, it is reviewed afterwards by a supervisor. The origin-country bar still holds:
  contact with the state the child may need protection from is never protective.
"""

from collections.abc import Collection, Iterable
from datetime import datetime

from django.utils.translation import gettext as _

from apps.accounts.models import Agency, AgencyKind
from apps.cases.models import Case
from apps.cases.sections import SHARED_BY_DEFAULT, Section
from apps.core.rules import Violations
from apps.family.rules import origin_authorities_barred, origin_countries
from apps.guardianship.models import GuardianAppointment
from apps.guardianship.rules import guardian_present, needs_guardian
from apps.guardianship.selectors import active_appointments
from apps.referrals.models import LegalBasis, ReferralKind, ServiceKind

S = Section

# What each purpose may receive. Record and identity always: the receiver must know whom it serves.
SERVICE_SECTIONS: dict[str, frozenset[Section]] = {
    ServiceKind.HEALTH: frozenset({S.RECORD, S.IDENTITY, S.HEALTH, S.PROTECTION, S.COMMUNICATION}),
    ServiceKind.LEGAL_AID: frozenset(
        {S.RECORD, S.IDENTITY, S.LEGAL, S.FAMILY, S.PROTECTION, S.EXPLOITATION, S.COMMUNICATION, S.DECISIONS}
    ),
    ServiceKind.EDUCATION: frozenset({S.RECORD, S.IDENTITY, S.COMMUNICATION, S.SUPPORT}),
    ServiceKind.SHELTER: frozenset(
        {S.RECORD, S.IDENTITY, S.CONTACT, S.HEALTH, S.PROTECTION, S.PLACEMENT, S.COMMUNICATION, S.CASEWORK}
    ),
    # Never the narrative nor the suspects: the police's own investigation is not what protects
    # the child, and a caseworker's record may be disclosed in court (apps/cases: "not an
    # investigative account"). Only a court order may ask for the narrative.
    ServiceKind.POLICE_PROTECTION: frozenset({S.RECORD, S.IDENTITY, S.PROTECTION, S.CONTACT, S.PLACEMENT}),
    ServiceKind.INTERPRETATION: frozenset({S.RECORD, S.IDENTITY, S.COMMUNICATION}),
    ServiceKind.PSYCHOSOCIAL: frozenset(
        {S.RECORD, S.IDENTITY, S.HEALTH, S.PROTECTION, S.FAMILY, S.COMMUNICATION, S.CASEWORK, S.SUPPORT}
    ),
}
# A guardian's authority decides whom to appoint (languages, needs, the family, decisions under way).
GUARDIANSHIP_SECTIONS = frozenset(
    {S.RECORD, S.IDENTITY, S.CONTACT, S.FAMILY, S.PROTECTION, S.HEALTH, S.LEGAL, S.COMMUNICATION, S.CASEWORK,
     S.SUPPORT, S.DECISIONS, S.PLACEMENT}
)  # fmt: skip
# Who takes the case over needs the whole of it.
TRANSFER_SECTIONS = frozenset(Section)
# Urgent protection: who the child is, what endangers them and where they are; nothing more.
URGENT_SECTIONS = frozenset({S.RECORD, S.IDENTITY, S.PROTECTION, S.CONTACT})
# A court order may ask for these beyond the purpose's table, for police protection.
COURT_ORDER_EXTRA = frozenset({S.NARRATIVE})

# Agencies through which a referral reaches a state's authorities (compare TracingChannel's
# state channels); in one of the child's origin countries they are "the authorities of the
# country of origin".
ORIGIN_STATE_KINDS = frozenset(
    {AgencyKind.FOREIGN_COUNTERPART, AgencyKind.POLICE, AgencyKind.IMMIGRATION, AgencyKind.PROSECUTION,
     AgencyKind.CHILD_PROTECTION, AgencyKind.GUARDIANSHIP_AUTHORITY}
)  # fmt: skip
# Receivers that take a child's data only for the child's protection (R8).
ENFORCEMENT = frozenset({AgencyKind.POLICE, AgencyKind.IMMIGRATION, AgencyKind.PROSECUTION})


def purpose_sections(*, kind: str, service: str, legal_basis: str = "") -> frozenset[Section]:
    """The sections a referral of this kind, service and basis may share."""
    if legal_basis == LegalBasis.URGENT_PROTECTION:
        return URGENT_SECTIONS
    if kind == ReferralKind.TRANSFER:
        return TRANSFER_SECTIONS
    if kind == ReferralKind.GUARDIANSHIP:
        return GUARDIANSHIP_SECTIONS
    allowed = SERVICE_SECTIONS.get(service, frozenset({S.RECORD}))
    if service == ServiceKind.POLICE_PROTECTION and legal_basis == LegalBasis.COURT_ORDER:
        allowed |= COURT_ORDER_EXTRA
    return allowed


def default_sections(*, kind: str, service: str, legal_basis: str = "") -> list[str]:
    """What a new referral offers to share: shared by default (R8) and needed by the purpose."""
    allowed = purpose_sections(kind=kind, service=service, legal_basis=legal_basis)
    chosen = allowed if legal_basis == LegalBasis.URGENT_PROTECTION else allowed & SHARED_BY_DEFAULT
    return [s.value for s in Section if s in chosen]


def basis_and_purpose(found: Violations, *, legal_basis: str, purpose: str, legal_reference: str) -> None:
    """NO_LEGAL_BASIS without a known basis or a purpose; NO_LEGAL_REFERENCE for a court order
    that does not say which (a legal duty may name its law, a court order always has a number)."""
    found.check(legal_basis in LegalBasis.values and bool(purpose.strip()), "SHARING_NOT_ALLOWED.NO_LEGAL_BASIS")
    if legal_basis == LegalBasis.COURT_ORDER:
        found.check(bool(legal_reference.strip()), "SHARING_NOT_ALLOWED.NO_LEGAL_REFERENCE")


def consent_complete(
    found: Violations,
    *,
    case: Case,
    child_consent: bool,
    child_consent_at: datetime | None,
    guardian_consent: GuardianAppointment | None,
    at: datetime,
) -> None:
    """CONSENT_INCOMPLETE for each missing part of consent as the legal basis: the child's
    assent or consent, and (for a child who needs a guardian) the consent of the guardian acting
    at `at`; GUARDIAN_REQUIRED when there is no such guardian to give it (R1)."""
    found.check(
        child_consent and child_consent_at is not None,
        "SHARING_NOT_ALLOWED.CONSENT_INCOMPLETE",
        part=_("the child's assent or consent"),
    )
    if not needs_guardian(case.child):
        return
    guardian_present(found, case=case, action=_("consent-based sharing"), at=at)
    acting = (
        guardian_consent is not None and active_appointments(at=at).filter(pk=guardian_consent.pk, case=case).exists()
    )
    found.check(acting, "SHARING_NOT_ALLOWED.CONSENT_INCOMPLETE", part=_("the acting guardian's consent"))


def within_purpose(found: Violations, *, sections: Collection[str], allowed: frozenset[Section]) -> None:
    """SECTIONS_BEYOND_PURPOSE naming every section the purpose does not need."""
    beyond = [s for s in Section if s.value in sections and s not in allowed]
    if beyond:
        found.add("SHARING_NOT_ALLOWED.SECTIONS_BEYOND_PURPOSE", sections=", ".join(str(s.label) for s in beyond))


def for_protection(found: Violations, *, to_agency: Agency, kind: str, service: str) -> None:
    """NOT_FOR_PROTECTION: police, immigration or prosecution receive only a referral for the
    child's police protection."""
    if to_agency.kind not in ENFORCEMENT:
        return
    found.check(
        kind == ReferralKind.SERVICE and service == ServiceKind.POLICE_PROTECTION,
        "SHARING_NOT_ALLOWED.NOT_FOR_PROTECTION",
        agency=to_agency.name,
    )


def reaches_origin_authorities(case: Case, to_agency: Agency) -> bool:
    """A state agency of one of the child's origin countries."""
    return to_agency.kind in ORIGIN_STATE_KINDS and to_agency.country in origin_countries(case)


def not_to_origin_authorities(
    found: Violations,
    *,
    case: Case,
    to_agency: Agency,
    child_consent: bool,
    guardian_consent: GuardianAppointment | None,
    urgent: bool,
    at: datetime,
) -> None:
    """COUNTRY_OF_ORIGIN, through the one bar the family tracing also asks; where it does not
    bar, "otherwise only with the child's informed views and the guardian's consent" (R8):
    ORIGIN_WITHOUT_CHILD_VIEWS without the child's recorded assent, ORIGIN_WITHOUT_GUARDIAN_CONSENT
    without the acting guardian's, whatever the legal basis. Urgent protection asks neither
    (the first rule) but never lifts the bar."""
    if not reaches_origin_authorities(case, to_agency):
        return
    if origin_authorities_barred(found, case=case, country=to_agency.country, at=at) or urgent:
        return
    found.check(child_consent, "SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_CHILD_VIEWS")
    if needs_guardian(case.child):
        acting = (
            guardian_consent is not None
            and active_appointments(at=at).filter(pk=guardian_consent.pk, case=case).exists()
        )
        found.check(acting, "SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_GUARDIAN_CONSENT")


def urgent_reason_given(found: Violations, *, urgent_reason: str) -> None:
    found.check(bool(urgent_reason.strip()), "SHARING_NOT_ALLOWED.URGENT_NO_REASON")


def unknown_sections(sections: Iterable[str]) -> list[str]:
    return [name for name in sections if name not in Section.values]
