"""Appointing, handing over and ending guardians; their opinions; the deadline check (R1)."""

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.models import Agency, AgencyKind, Membership, Role, User
from apps.alerts.models import AlertKind
from apps.alerts.services import alert_raise
from apps.cases import vault
from apps.cases.models import Case, CaseState
from apps.cases.selectors import agency_roles
from apps.core import dates as core_dates
from apps.core.rules import Violations
from apps.core.timecalc import add_working_days
from apps.guardianship import rules
from apps.guardianship.models import (
    AppointmentKind,
    DecisionKind,
    GuardianAppointment,
    GuardianOpinion,
    GuardianProfile,
)
from apps.guardianship.selectors import active_appointment, guardian_active_ward_count, open_appointments


def _may_appoint(actor: User, case: Case) -> bool:
    """A supervisor of the case's agency, or of a guardianship authority."""
    if Role.SUPERVISOR in agency_roles(actor=actor, agency_id=case.owning_agency_id):
        return True
    return (
        Membership.objects.active()
        .filter(user=actor, role=Role.SUPERVISOR, agency__kind=AgencyKind.GUARDIANSHIP_AUTHORITY)
        .exists()
    )


def _seal(case: Case, column: str, value: str) -> bytes | None:
    """An appointment's column, sealed with the child's key (None when blank)."""
    return vault.seal(case.child, vault.data_key(case.child), GuardianAppointment, column, value.strip() or None)


def _care_provider_ids(case: Case, at: datetime) -> set[int]:
    from apps.care.selectors import care_provider_agency_ids

    return care_provider_agency_ids(case=case, at=at)


@transaction.atomic
def guardian_profile_record(
    *,
    actor: User,
    guardian: User,
    trained_on: date | None = None,
    training: str = "",
    record_checked_on: date | None = None,
    record_check_valid_until: date | None = None,
    languages: Iterable[str] | None = None,
) -> GuardianProfile:
    """Record a guardian's training and criminal-record check (their authority's supervisor),
    and the languages they speak (kept as they were when not given)."""
    shared = Membership.objects.active().filter(user=guardian, role=Role.GUARDIAN).values("agency")
    if not Membership.objects.active().filter(user=actor, role=Role.SUPERVISOR, agency__in=shared).exists():
        raise PermissionDenied(_("Only a supervisor of the guardian's own authority records this."))
    # They decide eligibility (GUARDIAN_NOT_ELIGIBLE): a mistyped year would make a guardian eligible for decades.
    core_dates.refuse_implausible_dates([
        (trained_on, core_dates.PAST, _lazy("date the training was completed")),
        (record_checked_on, core_dates.PAST, _lazy("date of the criminal-record check")),
        (record_check_valid_until, core_dates.VALID_UNTIL, _lazy("end of the record check's validity")),
    ])  # fmt: skip
    values: dict[str, Any] = {
        "trained_on": trained_on,
        "training": training,
        "record_checked_on": record_checked_on,
        "record_check_valid_until": record_check_valid_until,
    }
    if languages is not None:
        values["languages"] = sorted({name.strip() for name in languages if name.strip()})
    profile, _created = GuardianProfile.objects.update_or_create(user=guardian, defaults=values)
    return profile


@transaction.atomic
def guardian_appoint(
    *,
    actor: User,
    case: Case,
    guardian: User,
    kind: str,
    at: datetime | None = None,
    over_cap_reason: str = "",
    alongside_reason: str = "",
    succeeds: GuardianAppointment | None = None,
) -> GuardianAppointment:
    """Appoint a representative or guardian for the child of `case`.

    Refuses GUARDIAN_NOT_ELIGIBLE (training, independence, record check, caseload cap —
    the cap may be exceeded by a supervisor with a reason). The guardian's profile row is
    locked while counting their wards, so two appointments at once cannot both take the
    last place. A child has one of each kind at a time: a second one of the same kind is
    a handover (`succeeds`) or refused (.ALREADY_APPOINTED) unless a reason why both act
    at once is recorded; the case row is locked so two appointments racing see each other.
    """
    if not _may_appoint(actor, case):
        raise PermissionDenied(_("Only a supervisor appoints representatives and guardians."))
    moment = at or timezone.now()
    if not Membership.objects.active(at=moment).filter(user=guardian, role=Role.GUARDIAN).exists():
        raise ValidationError({"guardian": _("This person holds no active guardian role.")})
    Case.objects.select_for_update().filter(pk=case.pk).first()
    profile = GuardianProfile.objects.select_for_update().filter(user=guardian).first()
    if profile is None:
        # Lock the guardian's user row instead, so the count below is still serialised.
        User.objects.select_for_update().filter(pk=guardian.pk).first()
    found = Violations()
    rules.guardian_is_eligible(
        found,
        guardian=guardian,
        case=case,
        on=moment.date(),
        at=moment,
        care_provider_ids=_care_provider_ids(case, moment),
        active_wards=guardian_active_ward_count(guardian=guardian, at=moment),
        over_cap_reason=over_cap_reason,
        approver_is_supervisor=_may_appoint(actor, case),
    )
    # An appointment still open (its guardian suspended included) holds the place until it
    # is handed over or ended: two of a kind at once are never silent.
    same_kind = open_appointments(at=moment).filter(case=case, kind=kind)
    if succeeds is not None:
        same_kind = same_kind.exclude(pk=succeeds.pk)
    rules.one_of_a_kind(found, kind=kind, already=same_kind.exists(), alongside_reason=alongside_reason)
    found.raise_if_any()
    appointment = GuardianAppointment(
        case=case, guardian=guardian, kind=kind, starts_at=moment, appointed_by=actor,
        over_cap_reason=_seal(case, "over_cap_reason", over_cap_reason),
        alongside_reason=_seal(case, "alongside_reason", alongside_reason), succeeds=succeeds,
    )  # fmt: skip
    appointment.full_clean(
        exclude=["case", "guardian", "appointed_by", "succeeds", "end_reason", "over_cap_reason", "alongside_reason"]
    )
    appointment.save()
    return appointment


@transaction.atomic
def guardian_handover(
    *,
    actor: User,
    appointment: GuardianAppointment,
    new_guardian: User,
    reason: str,
    at: datetime | None = None,
    new_starts_at: datetime | None = None,
    kind: str | None = None,
    moves_child_to: str = "",
) -> GuardianAppointment:
    """Hand the child to a new guardian (across jurisdictions too) with no gap between them.

    The old appointment ends at `at`; the new one must start no later (GUARDIAN_HANDOVER_GAP).
    A guardian abroad for a child who stays is no move; a handover that goes with the child's
    move to another country (`moves_child_to`) passes R4's whole gate first.
    """
    if not _may_appoint(actor, appointment.case):
        raise PermissionDenied(_("Only a supervisor hands a child over to a new guardian."))
    moment = at or timezone.now()
    starts = new_starts_at or moment
    core_dates.refuse_implausible(starts, core_dates.PLANNED, field=_lazy("start of the new appointment"), at=moment)
    old = GuardianAppointment.objects.select_for_update().get(pk=appointment.pk)
    if GuardianAppointment.objects.filter(succeeds=old).exists():
        raise ValidationError(_("This appointment was already handed over."))
    if moment < old.starts_at:
        raise ValidationError(_("An appointment cannot end before it started."))
    old_ends = min(moment, old.ends_at) if old.ends_at is not None else moment
    found = Violations()
    rules.no_handover_gap(found, old_ends_at=old_ends, new_starts_at=starts)
    destination = moves_child_to.strip().upper()
    if destination and destination != old.case.owning_agency.country:
        for gate in border_gates:
            gate(found, case=old.case, country=destination, at=starts)
    found.raise_if_any()
    new = guardian_appoint(
        actor=actor, case=old.case, guardian=new_guardian, kind=kind or old.kind, at=starts, succeeds=old
    )
    if old.ends_at is None:
        GuardianAppointment.objects.filter(pk=old.pk).update(
            ends_at=moment, end_reason=_seal(old.case, "end_reason", reason.strip() or _("Handed over"))
        )
    return new


# R4's gate for a move across a border, registered by the solutions app (which sits above
# guardianship): `gate(found, *, case, country, at)`.
border_gates: list[Callable[..., None]] = []


@transaction.atomic
def guardian_appointment_end(
    *, actor: User, appointment: GuardianAppointment, reason: str, at: datetime | None = None
) -> GuardianAppointment:
    """End an appointment without a successor (misconduct, say): a reason is required, and
    the case is again without a guardian (GUARDIAN_REQUIRED) until a new one is appointed."""
    if not _may_appoint(actor, appointment.case):
        raise PermissionDenied(_("Only a supervisor ends an appointment."))
    if not reason.strip():
        raise ValidationError({"end_reason": _("Say why the appointment ends.")})
    GuardianAppointment.objects.filter(pk=appointment.pk, ends_at__isnull=True).update(
        ends_at=at or timezone.now(), end_reason=_seal(appointment.case, "end_reason", reason)
    )
    appointment.refresh_from_db()
    return appointment


def _tell_supervisors_vacant(case: Case, ended: GuardianAppointment, moment: datetime, why: str) -> None:
    """GUARDIAN_OVERDUE again, to the case agency's supervisors, keyed like the periodic check's
    (so it never raises the same vacancy twice)."""
    due = (ended.ends_at or moment) + timedelta(hours=settings.HAVEN_PROVISIONAL_REPRESENTATIVE_HOURS)
    alert_raise(
        kind=AlertKind.GUARDIAN_OVERDUE, agency=case.owning_agency, role=Role.SUPERVISOR, case=case,
        key=f"vacant:{case.pk}:{ended.pk}", detail=f"{case.reference}: {why}", due_at=due, at=moment,
    )  # fmt: skip


def guardian_independence_on_grant(found: Violations, *, user: User, agency: Agency, role: str, at: datetime) -> None:
    """Registered with accounts: a role in an enforcement agency is refused to an open guardian."""
    rules.stays_independent(found, user=user, agency=agency, at=at)


@transaction.atomic
def guardian_role_ended(*, membership: Membership, at: datetime) -> int:
    """A guardian's role ended: they may no longer act for any ward, so their appointments end.

    Only when no other authority still holds them as guardian. Each appointment open at
    `at` ends then (one not yet begun ends as it would begin, so it never becomes active),
    with the reason recorded; where the child is left without an active representative or
    guardian, GUARDIAN_OVERDUE is raised to the case agency's supervisors at once. Returns
    how many appointments ended.
    """
    if membership.role != Role.GUARDIAN:
        return 0
    guardian = membership.user
    if Membership.objects.active(at=at).filter(user=guardian, role=Role.GUARDIAN).exists():
        return 0
    reason = _("The guardian's role ended on %(date)s.") % {"date": at.date().isoformat()}
    ended = 0
    open_ones = (
        open_appointments(at=at)
        .filter(guardian=guardian)
        .select_for_update()
        .select_related("case", "case__owning_agency")
        .order_by("pk")
    )
    for appointment in open_ones:
        ends = max(at, appointment.starts_at)
        GuardianAppointment.objects.filter(pk=appointment.pk).update(
            ends_at=ends, end_reason=_seal(appointment.case, "end_reason", reason)
        )
        appointment.ends_at = ends
        ended += 1
        if active_appointment(case=appointment.case, at=ends) is None:
            _tell_supervisors_vacant(appointment.case, appointment, at, _("the guardian's role ended; no guardian now"))
    return ended


@transaction.atomic
def guardian_opinion_record(
    *,
    actor: User,
    case: Case,
    decision: str,
    subject: str,
    opinion: str,
    agrees: bool | None,
    at: datetime | None = None,
) -> GuardianOpinion:
    """The active guardian records their opinion on a decision (sealed with the child's key)."""
    moment = at or timezone.now()
    appointment = active_appointment(case=case, at=moment)
    if appointment is None or appointment.guardian_id != actor.pk:
        raise Http404
    if decision not in DecisionKind.values:
        raise ValidationError({"decision": _("Unknown decision.")})
    if GuardianOpinion.objects.filter(case=case, decision=decision, subject=subject, appointment=appointment).exists():
        raise ValidationError(_("Your opinion on this decision is already recorded; it is not rewritten."))
    record = GuardianOpinion(case=case, appointment=appointment, decision=decision, subject=subject, agrees=agrees,
                             recorded_at=moment)  # fmt: skip
    record.opinion = vault.seal(case.child, vault.data_key(case.child), GuardianOpinion, "opinion", opinion)
    record.save()
    return record


def guardian_deadlines_alert(*, at: datetime | None = None) -> int:
    """Raise GUARDIAN_OVERDUE to the supervisors for every open case past a deadline.

    Provisional representative: HAVEN_PROVISIONAL_REPRESENTATIVE_HOURS after identification.
    Qualified guardian: HAVEN_QUALIFIED_GUARDIAN_WORKING_DAYS working days after it, in the
    agency's zone. Keyed alerts: running twice alerts once. Returns how many were raised.
    """
    moment = at or timezone.now()
    provisional_by = timedelta(hours=settings.HAVEN_PROVISIONAL_REPRESENTATIVE_HOURS)
    raised = 0
    cases = (
        Case.objects.exclude(state=CaseState.CLOSED)
        .filter(identified_at__lte=moment - provisional_by)
        .select_related("child", "owning_agency")
    )
    for case in cases.iterator():
        if not rules.needs_guardian(case.child):
            continue
        appointments = GuardianAppointment.objects.filter(case=case, starts_at__lte=moment)
        had_any = appointments.exists()
        last = appointments.order_by("-starts_at").first()
        if last is not None and active_appointment(case=case, at=moment) is None:
            # Ended without a successor: the child needs someone again, as fast as at first.
            # Still open but its guardian may no longer act (account or authority closed):
            # the child has no-one now, so it is overdue at once.
            due = last.ends_at + provisional_by if last.ends_at is not None else moment
            if moment >= due:
                alert = alert_raise(
                    kind=AlertKind.GUARDIAN_OVERDUE, agency=case.owning_agency, role=Role.SUPERVISOR, case=case,
                    key=f"vacant:{case.pk}:{last.pk}", detail=f"{case.reference}: {_('no guardian since an appointment ended')}",
                    due_at=due, at=moment,
                )  # fmt: skip
                raised += alert is not None
        has_qualified = appointments.filter(kind=AppointmentKind.QUALIFIED).exists()
        qualified_due = add_working_days(
            case.identified_at, settings.HAVEN_QUALIFIED_GUARDIAN_WORKING_DAYS, zone=case.owning_agency.time_zone
        )
        overdue = []
        if not had_any:
            overdue.append(("provisional", _("provisional representative"), case.identified_at + provisional_by))
        if not has_qualified and moment >= qualified_due:
            overdue.append(("qualified", _("qualified guardian"), qualified_due))
        for key, label, due in overdue:
            alert = alert_raise(
                kind=AlertKind.GUARDIAN_OVERDUE, agency=case.owning_agency, role=Role.SUPERVISOR, case=case,
                key=f"{key}:{case.pk}", detail=f"{case.reference}: {label}", due_at=due, at=moment,
            )  # fmt: skip
            raised += alert is not None
    return raised
