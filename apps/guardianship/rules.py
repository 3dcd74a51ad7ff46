"""The guards of R1, one small function each. They add to a Violations collector."""

from datetime import date, datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import ENFORCEMENT_KINDS, Agency, Membership, User
from apps.cases.models import Case, Child
from apps.core.rules import Violations
from apps.guardianship.models import AppointmentKind, GuardianProfile


def needs_guardian(child: Child) -> bool:
    """Unaccompanied or separated, or parents implicated or in conflict of interest."""
    return bool(
        child.unaccompanied or child.separated or child.parents_implicated or child.parents_conflict_of_interest
    )


def guardian_is_eligible(
    found: Violations,
    *,
    guardian: User,
    case: Case,
    on: date,
    at: datetime,
    care_provider_ids: set[int],
    active_wards: int,
    over_cap_reason: str,
    approver_is_supervisor: bool,
) -> None:
    """Qualified, independent, record check in date, under the caseload cap (or overridden)."""
    profile = GuardianProfile.objects.filter(user=guardian).first()
    found.check(profile is not None and profile.trained_on is not None, "GUARDIAN_NOT_ELIGIBLE.NOT_QUALIFIED")
    found.check(
        profile is not None and profile.record_check_valid_until is not None and profile.record_check_valid_until >= on,
        "GUARDIAN_NOT_ELIGIBLE.RECORD_CHECK_EXPIRED",
    )
    # Any membership not ended when the appointment starts, one awaiting approval included:
    # being asked onto a police staff is enough (the database holds the same definition).
    holds = Membership.objects.filter(user=guardian).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at))
    employers = Agency.objects.filter(pk__in=holds.values("agency")).values_list("pk", "kind", "name")
    for agency_id, kind, name in employers:
        if kind in ENFORCEMENT_KINDS or agency_id in care_provider_ids:
            found.add("GUARDIAN_NOT_ELIGIBLE.NOT_INDEPENDENT", agency=name)
    cap = settings.HAVEN_GUARDIAN_CASELOAD_CAP
    if active_wards >= cap and not (over_cap_reason.strip() and approver_is_supervisor):
        found.add("GUARDIAN_NOT_ELIGIBLE.CASELOAD_FULL", wards=active_wards, cap=cap)


def one_of_a_kind(found: Violations, *, kind: str, already: bool, alongside_reason: str) -> None:
    """One provisional representative and one qualified guardian at a time, unless a
    supervisor records why two act at once; otherwise it is a handover."""
    if already and not alongside_reason.strip():
        found.add("GUARDIAN_NOT_ELIGIBLE.ALREADY_APPOINTED", kind=AppointmentKind(kind).label)


def stays_independent(found: Violations, *, user: User, agency: Agency, at: datetime) -> None:
    """A guardian with an appointment still open takes no role in a police, immigration or
    prosecution agency: they hand their wards over first (GUARDIAN_NOT_ELIGIBLE.NOT_INDEPENDENT)."""
    from apps.guardianship.selectors import open_appointments

    if agency.kind in ENFORCEMENT_KINDS and open_appointments(at=at).filter(guardian=user).exists():
        found.add("GUARDIAN_NOT_ELIGIBLE.NOT_INDEPENDENT", agency=agency.name)


def no_handover_gap(found: Violations, *, old_ends_at: datetime, new_starts_at: datetime) -> None:
    found.check(new_starts_at <= old_ends_at, "GUARDIAN_HANDOVER_GAP")


def guardian_present(found: Violations, *, case: Case, action: str, at: datetime) -> None:
    """GUARDIAN_REQUIRED unless a representative or guardian is active (for a child who needs one).

    Used by every app before an age assessment, a BID, a durable solution, a non-urgent
    police or immigration interview or referral, and consent-based sharing. Never before
    urgent protection.
    """
    from apps.guardianship.selectors import active_appointment

    if needs_guardian(case.child) and active_appointment(case=case, at=at) is None:
        found.add("GUARDIAN_REQUIRED", action=action)


def guardian_opinion_recorded(
    found: Violations, *, case: Case, decision: str, subject: str, action: str, at: datetime | None = None
) -> None:
    """GUARDIAN_OPINION_REQUIRED unless the guardian's opinion on this decision is on file, given
    by a guardian still acting at `at` (the decision's moment): a guardian since handed over or
    ended speaks for nobody, and their successor is asked."""
    from apps.guardianship.models import GuardianOpinion
    from apps.guardianship.selectors import active_appointments

    if not needs_guardian(case.child):
        return
    moment = at or timezone.now()
    acting = active_appointments(at=moment).filter(case=case).values("pk")
    on_file = GuardianOpinion.objects.filter(
        case=case, decision=decision, subject=subject, appointment__in=acting, recorded_at__lte=moment
    ).exists()
    if not on_file:
        found.add("GUARDIAN_OPINION_REQUIRED", action=action)
