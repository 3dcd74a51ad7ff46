"""Asking the guardianship authority for a representative or guardian (R1), as a referral.

A caseworker of the case sends a referral of kind GUARDIANSHIP to the guardianship authority of
the case's country (`guardian_request_send`). The authority's staff see the requests asked of
them and the sections they share; they look at their guardians (`guardian_candidate_list`:
caseload, languages shared with the child, eligibility) and a supervisor of the authority
appoints one (`guardian_request_appoint`) through `guardian_appoint`, so every rule of R1 holds
(eligibility, one of a kind, the handover without a gap). The appointment records the request it
answers, and answering completes the request (accepting it first if it was not yet accepted).

Kept apart from services and selectors: it builds on referrals and the access policy, and the
access policy itself reads guardianship's selectors.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Agency, AgencyKind, Membership, Role, User
from apps.care.selectors import care_provider_agency_ids
from apps.cases.access import Action, cases_for, require
from apps.cases.models import Case, CaseState
from apps.cases.sections import Section
from apps.core.rules import RuleViolation, Violations, refuse
from apps.core.timecalc import add_working_days
from apps.guardianship import rules
from apps.guardianship.models import AppointmentKind, GuardianAppointment, GuardianProfile, GuardianRequest
from apps.guardianship.selectors import active_appointment, guardian_active_ward_count
from apps.guardianship.services import guardian_appoint
from apps.referrals import services as referrals
from apps.referrals.models import LegalBasis, Referral, ReferralKind, ReferralState

# The staff of the authority who see the requests asked of it; only its supervisors appoint.
AUTHORITY_STAFF = (Role.SUPERVISOR, Role.CASEWORKER, Role.PARTNER_STAFF)


# --- Reads ----------------------------------------------------------------------------------
def guardianship_authorities_for(*, case: Case) -> QuerySet[Agency]:
    """The active guardianship authorities of the case's country, those of its jurisdiction first."""
    home = case.owning_agency
    authorities = Agency.objects.filter(is_active=True, kind=AgencyKind.GUARDIANSHIP_AUTHORITY, country=home.country)
    return authorities.order_by(
        ExpressionWrapper(~Q(jurisdiction=home.jurisdiction), output_field=BooleanField()), "name"
    )


def _serves(actor: User, at: datetime) -> QuerySet[Membership]:
    """The actor's memberships now in a guardianship authority, as its staff."""
    return Membership.objects.active(at=at).filter(
        user=actor, role__in=AUTHORITY_STAFF, agency__kind=AgencyKind.GUARDIANSHIP_AUTHORITY
    )


def requests_asked_of(actor: Any) -> Q:
    """The requests asked of an authority the actor works for: its staff read them (the list,
    the answer) beyond the referral's own access, which ends when the request is answered.
    Registered with the reading kit (`reach_beyond_the_case`)."""
    return Q(to_agency__in=_serves(actor, timezone.now()).values("agency"))


def guardian_request_list(*, actor: User, at: datetime | None = None) -> QuerySet[Referral]:
    """The requests for a guardian the actor may see: those asked of a guardianship authority
    they work for (to serve them), and those of the cases they work on (to follow them). As
    `GuardianRequest` rows, which the reading kit lets the authority's staff reach."""
    moment = at or timezone.now()
    asked_of_me = Q(to_agency__in=_serves(actor, moment).values("agency"))
    my_cases = Q(case__in=cases_for(actor, Action.WORK, at=moment))
    appointed = GuardianAppointment.objects.filter(case=OuterRef("case"))
    return (
        GuardianRequest.objects.filter(kind=ReferralKind.GUARDIANSHIP)
        .filter(asked_of_me | my_cases)
        .select_related("case", "case__child", "case__owning_agency", "from_agency", "to_agency")
        # What the list shows of each, in this one query and one prefetch (guardian_deadlines, _answer).
        .annotate(
            case_has_provisional=Exists(appointed),
            case_has_qualified=Exists(appointed.filter(kind=AppointmentKind.QUALIFIED)),
        )
        .prefetch_related(Prefetch("guardian_appointments", GuardianAppointment.objects.select_related("guardian")))
        .order_by("-sent_at", "-pk")
    )


def guardian_request_get(*, actor: User, pk: int, serve: bool = False, at: datetime | None = None) -> Referral:
    """One request the actor may see, or 404; with `serve`, only one asked of an authority the
    actor works for (the case's own staff follow a request, they do not answer it)."""
    moment = at or timezone.now()
    found = guardian_request_list(actor=actor, at=moment)
    if serve:
        found = found.filter(to_agency__in=_serves(actor, moment).values("agency"))
    referral = found.filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


def guardian_request_is_open(referral: Referral) -> bool:
    """Still waiting for its answer: sent, acknowledged or accepted, and not ended."""
    return referral.is_open


def guardian_request_answer(*, referral: Referral) -> GuardianAppointment | None:
    """The appointment that answered the request, if any (from the list's prefetch when there)."""
    return next(iter(referral.guardian_appointments.all()), None)


@dataclass(frozen=True)
class GuardianDeadlines:
    """R1's two deadlines for the case, and whether each is met (the deadline check's settings)."""

    provisional_due: datetime
    qualified_due: datetime
    has_provisional: bool
    has_qualified: bool


def guardian_deadlines(*, case: Case, request: Referral | None = None) -> GuardianDeadlines:
    """R1's deadlines for `case`; with a `request` of `guardian_request_list`, whether each is
    met is read from what that list annotated (no query)."""
    provisional_due = case.identified_at + timedelta(hours=settings.HAVEN_PROVISIONAL_REPRESENTATIVE_HOURS)
    qualified_due = add_working_days(
        case.identified_at, settings.HAVEN_QUALIFIED_GUARDIAN_WORKING_DAYS, zone=case.owning_agency.time_zone
    )
    listed: tuple[bool, bool] | None = None
    if request is not None and hasattr(request, "case_has_provisional"):
        listed = (getattr(request, "case_has_provisional"), getattr(request, "case_has_qualified"))  # noqa: B009
    if listed is not None:
        has_provisional, has_qualified = listed
    else:
        appointed = GuardianAppointment.objects.filter(case=case)
        has_provisional = appointed.exists()
        has_qualified = appointed.filter(kind=AppointmentKind.QUALIFIED).exists()
    return GuardianDeadlines(
        provisional_due=provisional_due,
        qualified_due=qualified_due,
        has_provisional=has_provisional,
        has_qualified=has_qualified,
    )


@dataclass(frozen=True)
class GuardianCandidate:
    """A guardian of the authority, as the proposal screen shows them."""

    guardian: User
    wards: int
    cap: int
    languages: tuple[str, ...]
    shared_languages: tuple[str, ...]
    not_eligible: tuple[str, ...]  # why not, each message with its GUARDIAN_NOT_ELIGIBLE code

    @property
    def eligible(self) -> bool:
        return not self.not_eligible


def guardian_candidate_list(*, actor: User, referral: Referral, at: datetime | None = None) -> list[GuardianCandidate]:
    """The guardians of the authority a request is asked of, for its staff to propose one.

    For each: the wards they have now and to come against the caseload cap, the languages they
    share with the child (only when the request shares the child's identity) and, when they may
    not be appointed, why not (the appointment's own GUARDIAN_NOT_ELIGIBLE checks, the cap
    counted without a supervisor's reason). Eligible first, then most languages shared, then
    the lightest caseload.
    """
    moment = at or timezone.now()
    referral = guardian_request_get(actor=actor, pk=referral.pk, serve=True, at=moment)
    case = referral.case
    shares_identity = Section.IDENTITY in (referral.sections or [])
    child_languages = {name.casefold() for name in case.child.languages} if shares_identity else set()
    care_provider_ids = care_provider_agency_ids(case=case, at=moment)
    guardians = Membership.objects.active(at=moment).filter(role=Role.GUARDIAN, agency=referral.to_agency)
    users = User.objects.filter(is_active=True, pk__in=guardians.values("user")).order_by("full_name", "email")
    profiles = {p.user_id: p for p in GuardianProfile.objects.filter(user__in=users)}
    cap = settings.HAVEN_GUARDIAN_CASELOAD_CAP
    found: list[GuardianCandidate] = []
    for user in users:
        wards = guardian_active_ward_count(guardian=user, at=moment)
        checks = Violations()
        rules.guardian_is_eligible(
            checks, guardian=user, case=case, on=moment.date(), at=moment, care_provider_ids=care_provider_ids,
            active_wards=wards, over_cap_reason="", approver_is_supervisor=False,
        )  # fmt: skip
        profile = profiles.get(user.pk)
        languages = tuple(profile.languages) if profile is not None else ()
        shared = tuple(name for name in languages if name.casefold() in child_languages)
        try:
            checks.raise_if_any()
        except RuleViolation as refusal:
            why_not = tuple(f"{v.message} ({v.code})" for v in refusal.violations)
        else:
            why_not = ()
        found.append(GuardianCandidate(user, wards, cap, languages, shared, why_not))
    return sorted(found, key=lambda c: (not c.eligible, -len(c.shared_languages), c.wards))


# --- Writes ---------------------------------------------------------------------------------
def _refuse_wrong_authority(case: Case, authority: Agency) -> None:
    found = Violations()
    found.check(
        authority.is_active
        and authority.kind == AgencyKind.GUARDIANSHIP_AUTHORITY
        and authority.country == case.owning_agency.country,
        "SHARING_NOT_ALLOWED.NOT_A_GUARDIANSHIP_AUTHORITY",
        agency=authority.name,
    )
    found.raise_if_any()


@transaction.atomic
def guardian_request_send(
    *,
    actor: User,
    case: Case,
    authority: Agency,
    purpose: str,
    sections: Iterable[str] | None = None,
    legal_basis: str = LegalBasis.LEGAL_DUTY,
    at: datetime | None = None,
) -> Referral:
    """Ask the guardianship authority of the case's country for a representative or guardian.

    A referral of kind GUARDIANSHIP through `referral_send` (which checks the sender, the legal
    basis and the sections; the legal basis is usually the authority's legal duty). Refused
    with SHARING_NOT_ALLOWED.NOT_A_GUARDIANSHIP_AUTHORITY, nothing written, when the receiver
    is not an active guardianship authority of the case's country.
    """
    require(actor, Action.WORK, case)
    if case.state == CaseState.CLOSED:
        raise ValidationError(_("The case is closed: no guardian is asked for it."))
    _refuse_wrong_authority(case, authority)
    return referrals.referral_send(
        actor=actor,
        case=case,
        kind=ReferralKind.GUARDIANSHIP,
        to_agency=authority,
        sections=list(sections) if sections is not None else None,
        legal_basis=legal_basis,
        purpose=purpose or _("Appoint a provisional representative or a guardian for the child."),
        at=at,
    )


@transaction.atomic
def guardian_request_appoint(
    *,
    actor: User,
    referral: Referral,
    guardian: User,
    kind: str | None = None,
    over_cap_reason: str = "",
    at: datetime | None = None,
) -> GuardianAppointment:
    """Answer a request: a supervisor of the authority asked appoints one of its guardians.

    The appointment goes through `guardian_appoint`, so R1's rules hold (GUARDIAN_NOT_ELIGIBLE
    with every reason at once, one of each kind; nothing is written when refused). Without a
    `kind`, a qualified guardian when the child already has a representative, else a
    provisional representative. The appointment records the request; the request is accepted
    (if it was not yet) and completed at the same moment. Someone of another authority gets a
    404, as for a request that does not exist; its staff who are not supervisors a 403.
    """
    moment = at or timezone.now()
    current = guardian_request_get(actor=actor, pk=referral.pk, serve=True, at=moment)
    if (
        not Membership.objects.active(at=moment)
        .filter(user=actor, role=Role.SUPERVISOR, agency=current.to_agency)
        .exists()
    ):
        raise PermissionDenied(_("Only a supervisor of the guardianship authority appoints."))
    Referral.objects.select_for_update().filter(pk=current.pk).first()
    current.refresh_from_db()
    if not guardian_request_is_open(current):
        raise refuse("SHARING_NOT_ALLOWED.ALREADY_REPLIED", state=current.get_state_display().lower())
    if (
        not Membership.objects.active(at=moment)
        .filter(user=guardian, role=Role.GUARDIAN, agency=current.to_agency)
        .exists()
    ):
        raise ValidationError({"guardian": _("This person is not a guardian of %(authority)s.") % {
            "authority": current.to_agency.name}})  # fmt: skip
    if kind is None:
        kind = (
            AppointmentKind.QUALIFIED
            if active_appointment(case=current.case, at=moment)
            else AppointmentKind.PROVISIONAL
        )
    appointment = guardian_appoint(
        actor=actor, case=current.case, guardian=guardian, kind=kind, at=moment, over_cap_reason=over_cap_reason
    )
    GuardianAppointment.objects.filter(pk=appointment.pk).update(answers=current)
    appointment.answers = current
    if current.state != ReferralState.ACCEPTED:
        current = referrals.referral_accept(actor=actor, referral=current, at=moment)
    referrals.referral_complete(actor=actor, referral=current, at=moment)
    return appointment
