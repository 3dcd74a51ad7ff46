"""Every write of the child's status and rights, and the periodic check of their deadlines.

Caseworkers and supervisors of the agency holding the case record; a guardian reads their
wards' records (selectors) and reviews flagged interviews, nothing more. Nothing in this app
gates a service (R5): identification status, permits and proceedings never condition support.
The one rule enforced here is R1's: arranging a non-urgent interview by police or immigration
waits for an active representative or guardian (GUARDIAN_REQUIRED); an urgent one goes ahead
with its reason, and one already held without a guardian is recorded and flagged. Both are
reviewed afterwards by a supervisor and by the guardian (the first rule).

The case's identification status and recovery and reflection period change only through
`apps.cases.services.case_details_update` (the versioned path); this app keeps their history.
Alerts carry the case reference at most, never the child's data, and are keyed: a periodic
check run twice alerts once.
"""

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.models import Agency, Membership, Role, User
from apps.alerts.models import Alert, AlertKind, Resolution
from apps.alerts.services import alert_raise, alerts_done
from apps.cases import htcds, vault
from apps.cases.access import Action, require
from apps.cases.models import Case, CaseState, GatingFact
from apps.cases.selectors import agency_roles
from apps.cases.services import case_details_update, facts_reliance_record, gating_fact_change_record
from apps.core import dates as core_dates
from apps.core.rules import Violations
from apps.guardianship.rules import guardian_present
from apps.guardianship.selectors import active_appointment, active_appointments
from apps.rights.models import (
    GUARDED_INTERVIEWERS,
    ChildRole,
    ClaimKind,
    ClaimStatus,
    CompensationClaim,
    CompensationRespondent,
    CompensationStatus,
    CriminalProceeding,
    FindingSource,
    IdentificationChange,
    InterviewerKind,
    MeasureDecision,
    NonRefoulementFinding,
    PermitKind,
    ProceedingInterview,
    ProceedingRepresentative,
    ProceedingStage,
    ProtectionClaim,
    ProtectionClaimStatusChange,
    ReflectionPeriodChange,
    RepresentativeKind,
    ResidencePermit,
    SpecialMeasure,
    SpecialMeasureRequest,
)
from apps.rights.selectors import interview_count

CASE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
IdentificationStatus = htcds.IdentificationStatus

# How a claim's status may move: a decision ends a pending claim or appeal; a refusal may be
# appealed (again); a grant may cease or be revoked. A withdrawn, ceased or revoked claim is
# over: a new claim is lodged instead.
CLAIM_MOVES: dict[str, frozenset[str]] = {
    ClaimStatus.PENDING: frozenset({
        ClaimStatus.REFUGEE_STATUS_GRANTED, ClaimStatus.SUBSIDIARY_PROTECTION_GRANTED, ClaimStatus.REFUSED,
        ClaimStatus.WITHDRAWN,
    }),
    ClaimStatus.APPEAL_PENDING: frozenset({
        ClaimStatus.REFUGEE_STATUS_GRANTED, ClaimStatus.SUBSIDIARY_PROTECTION_GRANTED, ClaimStatus.REFUSED,
        ClaimStatus.WITHDRAWN,
    }),
    ClaimStatus.REFUSED: frozenset({ClaimStatus.APPEAL_PENDING}),
    ClaimStatus.REFUGEE_STATUS_GRANTED: frozenset({ClaimStatus.CEASED_OR_REVOKED}),
    ClaimStatus.SUBSIDIARY_PROTECTION_GRANTED: frozenset({ClaimStatus.CEASED_OR_REVOKED}),
    ClaimStatus.WITHDRAWN: frozenset(),
    ClaimStatus.CEASED_OR_REVOKED: frozenset(),
}  # fmt: skip


# --- Shared ---------------------------------------------------------------------------------
def _load(case: Case) -> Case:
    return Case.objects.select_related("child", "owning_agency").get(pk=case.pk)


def _seal(case: Case, model: type[models.Model], column: str, value: str) -> bytes | None:
    return vault.seal(case.child, vault.data_key(case.child), model, column, value.strip() or None)


def _required(value: str, field: str, message: str) -> str:
    if not value.strip():
        raise ValidationError({field: message})
    return value.strip()


def _choice(value: str, choices: Iterable[str], field: str) -> str:
    if value not in set(choices):
        raise ValidationError({field: _("“%(value)s” is not a valid choice.") % {"value": value}})
    return value


# What kind of date each input is (apps/core/dates.py): a step that happened is never in the
# future; a start, an end or a deadline may be, within the planning horizon.
_DATES = {
    "decided_on": (core_dates.CASE_EVENT, _lazy("date of the decision")),
    "issued_on": (core_dates.CASE_EVENT, _lazy("issue date")),
    "expires_on": (core_dates.VALID_UNTIL, _lazy("expiry date")),
    "applied_on": (core_dates.CASE_EVENT, _lazy("date renewal was applied for")),
    "lodged_on": (core_dates.CASE_EVENT, _lazy("date the claim was lodged")),
    "on": (core_dates.CASE_EVENT, _lazy("date of the step")),
    "appeal_until": (core_dates.PLANNED, _lazy("last day of the appeal period")),
    "found_on": (core_dates.CASE_EVENT, _lazy("date of the finding")),
    "set_aside_on": (core_dates.CASE_EVENT, _lazy("date the finding was set aside")),
    "since": (core_dates.CASE_EVENT, _lazy("date of the change")),
    "requested_on": (core_dates.CASE_EVENT, _lazy("date of the request")),
    "starts_on": (core_dates.PLANNED, _lazy("start date")),
    "ends_on": (core_dates.PLANNED, _lazy("end date")),
}


def _not_after(day: date | None, today: date, field: str) -> None:
    kind, label = _DATES[field]
    core_dates.refuse_implausible(day, kind, field=label, today=today)


def _locked_case(case: Case) -> Case:
    """The case row locked: the version read here is the one written, so a concurrent edit
    waits instead of failing this write (and is then refused as stale)."""
    return Case.objects.select_for_update().select_related("child", "owning_agency").get(pk=case.pk)


def _close_alerts(*, kind: str, key_prefix: str, case: Case, actor: User, outcome: str, at: datetime) -> None:
    """Alerts made moot by what the actor recorded; what they recorded is their outcome. (They
    are addressed to the caseworker and the guardian, so alert_close would refuse others.)"""
    alerts_done(
        Alert.objects.filter(kind=kind, case=case, key__startswith=key_prefix), actor=actor, outcome=outcome, at=at,
        resolution=Resolution.DONE,
    )  # fmt: skip


# --- Identification ------------------------------------------------------------------------
@transaction.atomic
def identification_status_change(
    *,
    actor: User,
    case: Case,
    to_status: str,
    decided_on: date | None = None,
    authority: Agency | None = None,
    authority_name: str = "",
    authority_reference: str = "",
    note: str = "",
    at: datetime | None = None,
) -> IdentificationChange:
    """Change the child's identification status, recorded as history and reflected on the case.

    A formal identification names the competent authority (an agency here, or by name), its
    reference and the date. Going back to an earlier status needs a note saying why. Nothing
    depends on the status for services (R5).
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    day = decided_on or timezone.localdate(moment)
    _choice(to_status, IdentificationStatus.values, "to_status")
    _not_after(day, timezone.localdate(moment), "decided_on")
    locked = _locked_case(case)
    order = list(IdentificationStatus.values)
    if to_status == locked.identification_status:
        raise ValidationError({"to_status": _("This is already the child's identification status.")})
    if to_status == IdentificationStatus.FORMALLY_IDENTIFIED:
        errors = {}
        if authority is None and not authority_name.strip():
            errors["authority"] = _("Name the competent authority that identified the child.")
        if not authority_reference.strip():
            errors["authority_reference"] = _("Record the competent authority's reference.")
        if errors:
            raise ValidationError(errors)
    if order.index(to_status) < order.index(locked.identification_status):
        _required(note, "note", _("Say why the identification status goes back."))
    change = IdentificationChange.objects.create(
        case=locked, from_status=locked.identification_status, to_status=to_status, decided_on=day,
        authority=authority, authority_name=authority_name.strip(), authority_reference=authority_reference.strip(),
        note=_seal(locked, IdentificationChange, "note", note), recorded_by=actor, recorded_at=moment,
    )  # fmt: skip
    case_details_update(
        actor=actor, case=locked, expected_version=locked.version, facts={"identification_status": to_status}
    )
    return change


# --- Recovery and reflection period --------------------------------------------------------
def _reflection_write(
    *, actor: User, case: Case, kind: str, starts_on: date, ends_on: date, previous_end: date | None, reason: str,
    at: datetime,
) -> ReflectionPeriodChange:  # fmt: skip
    change = ReflectionPeriodChange.objects.create(
        case=case, kind=kind, starts_on=starts_on, ends_on=ends_on, previous_end=previous_end,
        reason=_seal(case, ReflectionPeriodChange, "reason", reason), recorded_by=actor, recorded_at=at,
    )  # fmt: skip
    case_details_update(
        actor=actor, case=case, expected_version=case.version,
        facts={"reflection_period_start": starts_on, "reflection_period_end": ends_on},
    )  # fmt: skip
    return change


@transaction.atomic
def reflection_period_grant(
    *, actor: User, case: Case, starts_on: date, ends_on: date, reason: str = "", at: datetime | None = None
) -> ReflectionPeriodChange:
    """Record the recovery and reflection period granted to the child, on the case and in its
    history. A period already recorded is extended or ended early, not granted again."""
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    locked = _locked_case(case)
    if locked.reflection_period_start is not None:
        raise ValidationError(_("A recovery and reflection period is already recorded: extend it instead."))
    _not_after(starts_on, timezone.localdate(moment), "starts_on")
    _not_after(ends_on, timezone.localdate(moment), "ends_on")
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The period cannot end before it starts.")})
    return _reflection_write(
        actor=actor, case=locked, kind=ReflectionPeriodChange.Kind.GRANTED, starts_on=starts_on, ends_on=ends_on,
        previous_end=None, reason=reason.strip(), at=moment,
    )  # fmt: skip


@transaction.atomic
def reflection_period_change(
    *, actor: User, case: Case, ends_on: date, reason: str, at: datetime | None = None
) -> ReflectionPeriodChange:
    """Extend the recovery and reflection period (a later end) or record that it ended early
    (an earlier one), with the reason. The alert about the old end is closed: the new end
    is alerted in its turn."""
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    locked = _locked_case(case)
    start, previous = locked.reflection_period_start, locked.reflection_period_end
    if start is None or previous is None:
        raise ValidationError(_("No recovery and reflection period is recorded yet: record the one granted first."))
    reason = _required(reason, "reason", _("Say why the period changes."))
    if ends_on == previous:
        raise ValidationError({"ends_on": _("The period already ends on that day.")})
    _not_after(ends_on, timezone.localdate(moment), "ends_on")
    if ends_on < start:
        raise ValidationError({"ends_on": _("The period cannot end before it starts.")})
    kind = ReflectionPeriodChange.Kind.EXTENDED if ends_on > previous else ReflectionPeriodChange.Kind.ENDED_EARLY
    change = _reflection_write(
        actor=actor, case=locked, kind=kind, starts_on=start, ends_on=ends_on, previous_end=previous, reason=reason,
        at=moment,
    )  # fmt: skip
    outcome = _("Period now ends on %(date)s.") % {"date": ends_on.isoformat()}
    _close_alerts(kind=AlertKind.REFLECTION_PERIOD_ENDING, key_prefix=f"reflection:{locked.pk}:{previous}",
                  case=locked, actor=actor, outcome=outcome, at=moment)  # fmt: skip
    return change


# --- Residence permits ---------------------------------------------------------------------
@transaction.atomic
def residence_permit_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    issued_on: date,
    expires_on: date | None = None,
    number: str = "",
    issued_by: str = "",
    renews: ResidencePermit | None = None,
    at: datetime | None = None,
) -> ResidencePermit:
    """Record a residence permit; its number is sealed. A permit that `renews` an earlier one
    of the same child closes that one's expiry alerts."""
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    _choice(kind, PermitKind.values, "kind")
    if expires_on is not None and expires_on < issued_on:
        raise ValidationError({"expires_on": _("A permit cannot expire before it is issued.")})
    _not_after(issued_on, timezone.localdate(moment), "issued_on")
    _not_after(expires_on, timezone.localdate(moment), "expires_on")
    old = None
    if renews is not None:
        old = ResidencePermit.objects.select_for_update().get(pk=renews.pk)
        if old.case_id != case.pk:
            raise ValidationError({"renews": _("That permit is another child's.")})
        if old.renewed_by_id is not None:
            raise ValidationError({"renews": _("That permit was already renewed.")})
    permit = ResidencePermit(
        case=case, kind=kind, issued_by=issued_by.strip(), issued_on=issued_on, expires_on=expires_on,
        recorded_by=actor, recorded_at=moment,
    )  # fmt: skip
    permit.number = _seal(case, ResidencePermit, "number", number)
    permit.save()
    if old is not None:
        ResidencePermit.objects.filter(pk=old.pk).update(renewed_by=permit)
        _close_alerts(kind=AlertKind.RESIDENCE_PERMIT_EXPIRING, key_prefix=f"permit:{old.pk}:", case=case,
                      actor=actor, outcome=_("Renewed."), at=moment)  # fmt: skip
    return permit


@transaction.atomic
def residence_permit_renewal_apply(
    *, actor: User, permit: ResidencePermit, applied_on: date, at: datetime | None = None
) -> ResidencePermit:
    """Record that renewal was applied for: the expiry alert has done its work and is closed."""
    locked = ResidencePermit.objects.select_for_update().get(pk=permit.pk)
    case = _load(locked.case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    _not_after(applied_on, timezone.localdate(moment), "applied_on")
    if locked.renewed_by_id is not None:
        raise ValidationError(_("This permit was already renewed."))
    ResidencePermit.objects.filter(pk=locked.pk).update(renewal_applied_on=applied_on)
    _close_alerts(kind=AlertKind.RESIDENCE_PERMIT_EXPIRING, key_prefix=f"permit:{locked.pk}:", case=case, actor=actor,
                  outcome=_("Renewal applied for on %(date)s.") % {"date": applied_on.isoformat()}, at=moment)  # fmt: skip
    locked.refresh_from_db()
    return locked


# --- Deadlines -----------------------------------------------------------------------------
def _end_of(day: date, case: Case) -> datetime:
    zone = zoneinfo.ZoneInfo(case.owning_agency.time_zone)
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def _to_caseworker_and_guardian(*, kind: str, case: Case, key: str, detail: str, due_at: datetime, at: datetime) -> int:
    """To the assigned caseworker (the supervisors where none is assigned) and to the child's
    active representative or guardian, by name."""
    raised = 0
    if case.assigned_caseworker_id is not None:
        alert = alert_raise(kind=kind, agency=case.owning_agency, user=case.assigned_caseworker, case=case, key=key,
                            detail=detail, due_at=due_at, at=at)  # fmt: skip
    else:
        alert = alert_raise(kind=kind, agency=case.owning_agency, role=Role.SUPERVISOR, case=case, key=key,
                            detail=detail, due_at=due_at, at=at)  # fmt: skip
    raised += alert is not None
    appointment = active_appointment(case=case, at=at)
    if appointment is not None:
        guardian = appointment.guardian
        membership = (
            Membership.objects.filter(user=guardian, role=Role.GUARDIAN, ended_at__isnull=True)
            .select_related("agency")
            .order_by("started_at")
            .first()
        )
        alert = alert_raise(
            kind=kind, agency=membership.agency if membership else case.owning_agency, user=guardian, case=case,
            key=f"{key}:guardian:{guardian.pk}", detail=detail, due_at=due_at, at=at,
        )  # fmt: skip
        raised += alert is not None
    return raised


def status_deadlines_alert(*, at: datetime | None = None) -> int:
    """Periodic: REFLECTION_PERIOD_ENDING HAVEN_REFLECTION_ALERT_DAYS before a recovery and
    reflection period ends, and RESIDENCE_PERMIT_EXPIRING HAVEN_PERMIT_EXPIRY_ALERT_DAYS before
    a permit expires (or once it has, within as many days) unless it was renewed or renewal
    was applied for — to the caseworker and the active guardian, for cases not closed.

    Keyed per case and end date, or per permit and expiry date: running twice alerts once, and
    an extended period is alerted again before its new end. Returns how many were raised.
    """
    moment = at or timezone.now()
    today = timezone.localdate(moment)
    raised = 0
    reflection_horizon = today + timedelta(days=settings.HAVEN_REFLECTION_ALERT_DAYS)
    ending = (
        Case.objects.exclude(state=CaseState.CLOSED)
        .filter(reflection_period_end__gte=today, reflection_period_end__lte=reflection_horizon)
        .select_related("owning_agency", "assigned_caseworker")
        .order_by("pk")
    )
    for case in ending.iterator():
        end = case.reflection_period_end
        assert end is not None  # noqa: S101 - filtered above
        detail = _("%(case)s: the recovery and reflection period ends on %(date)s") % {
            "case": case.reference,
            "date": end.isoformat(),
        }
        raised += _to_caseworker_and_guardian(
            kind=AlertKind.REFLECTION_PERIOD_ENDING, case=case, key=f"reflection:{case.pk}:{end}", detail=detail,
            due_at=_end_of(end, case), at=moment,
        )  # fmt: skip
    window = timedelta(days=settings.HAVEN_PERMIT_EXPIRY_ALERT_DAYS)
    expiring = (
        ResidencePermit.objects.filter(
            expires_on__gte=today - window, expires_on__lte=today + window, renewed_by__isnull=True,
            renewal_applied_on__isnull=True,
        )
        .exclude(case__state=CaseState.CLOSED)
        .select_related("case__owning_agency", "case__assigned_caseworker")
        .order_by("pk")
    )  # fmt: skip
    for permit in expiring.iterator():
        expires = permit.expires_on
        assert expires is not None  # noqa: S101 - filtered above
        detail = _("%(case)s: a residence permit (%(kind)s) expires on %(date)s") % {
            "case": permit.case.reference,
            "kind": permit.get_kind_display(),
            "date": expires.isoformat(),
        }
        raised += _to_caseworker_and_guardian(
            kind=AlertKind.RESIDENCE_PERMIT_EXPIRING, case=permit.case, key=f"permit:{permit.pk}:{expires}",
            detail=detail, due_at=_end_of(expires, permit.case), at=moment,
        )  # fmt: skip
    return raised


# --- Protection claims and non-refoulement -------------------------------------------------
@transaction.atomic
def protection_claim_lodge(
    *,
    actor: User,
    case: Case,
    kind: str,
    lodged_on: date,
    authority: str,
    authority_reference: str = "",
    at: datetime | None = None,
) -> ProtectionClaim:
    """Record an asylum or international-protection claim, pending from the day it was lodged.

    From then on the child may not be returned (R4) nor anything sent to their country of
    origin's authorities (R8): both read `protection_status`.
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    _choice(kind, ClaimKind.values, "kind")
    authority = _required(authority, "authority", _("Name the authority the claim was lodged with."))
    _not_after(lodged_on, timezone.localdate(moment), "lodged_on")
    claim = ProtectionClaim.objects.create(
        case=case, kind=kind, lodged_on=lodged_on, authority=authority,
        authority_reference=authority_reference.strip(), status=ClaimStatus.PENDING, status_since=lodged_on,
        recorded_by=actor, recorded_at=moment,
    )  # fmt: skip
    # A new claim adds a protection (R4): kept in the gating-fact history, its lodging the reason.
    gating_fact_change_record(
        actor=actor, case=case, fact=GatingFact.PROTECTION_CLAIM, before=None, after=ClaimStatus.PENDING.value,
        reason=_("Lodged with %(authority)s on %(date)s.") % {"authority": authority, "date": lodged_on},
        subject=f"protection claim {claim.pk}", at=moment,
    )  # fmt: skip
    ProtectionClaimStatusChange.objects.create(
        claim=claim, status=ClaimStatus.PENDING, on=lodged_on, note=_seal(case, ProtectionClaimStatusChange, "note",
        _("Lodged.")), recorded_by=actor, recorded_at=moment,
    )  # fmt: skip
    return claim


@transaction.atomic
def protection_claim_status_change(
    *,
    actor: User,
    claim: ProtectionClaim,
    status: str,
    on: date,
    appeal_until: date | None = None,
    note: str = "",
    at: datetime | None = None,
) -> ProtectionClaim:
    """Record a decision or step on a claim, in order: a decision on a pending claim or appeal,
    an appeal against a refusal, a cessation or revocation of a grant. A refusal may carry
    the last day it can be appealed: until then the claim still counts as pending.

    The claim's status gates R4 (a gating fact): every change needs `note`, its reason
    (RETURN_BLOCKED_PROTECTION_CLAIM.FACT_CHANGE_NO_REASON), and one that ends the bar to
    return (pending, appeal pending or granted → refused, withdrawn, ceased or revoked) a
    supervisor of the agency (….FACT_CHANGE_NEEDS_SUPERVISOR); each is kept in the child's
    gating-fact history, naming that supervisor."""
    locked = ProtectionClaim.objects.select_for_update().get(pk=claim.pk)
    case = _load(locked.case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    _choice(status, ClaimStatus.values, "status")
    _not_after(on, timezone.localdate(moment), "on")
    if status not in CLAIM_MOVES[locked.status]:
        raise ValidationError({"status": _("A claim that is “%(now)s” cannot become “%(next)s”.") % {
            "now": locked.get_status_display(), "next": ClaimStatus(status).label}})  # fmt: skip
    if on < locked.status_since:
        raise ValidationError({"on": _("The claim's last change was on %(date)s.") % {"date": locked.status_since}})
    if appeal_until is not None and status != ClaimStatus.REFUSED:
        raise ValidationError({"appeal_until": _("Only a refusal has an appeal period.")})
    if appeal_until is not None and appeal_until < on:
        raise ValidationError({"appeal_until": _("The appeal period cannot end before the refusal.")})
    _not_after(appeal_until, timezone.localdate(moment), "appeal_until")
    gating_fact_change_record(
        actor=actor, case=case, fact=GatingFact.PROTECTION_CLAIM, before=locked.status, after=status, reason=note,
        subject=f"protection claim {locked.pk}", at=moment,
    )  # fmt: skip
    ProtectionClaimStatusChange.objects.create(
        claim=locked, status=status, on=on, appeal_until=appeal_until,
        note=_seal(case, ProtectionClaimStatusChange, "note", note), recorded_by=actor, recorded_at=moment,
    )  # fmt: skip
    ProtectionClaim.objects.filter(pk=locked.pk).update(status=status, status_since=on)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def non_refoulement_finding_record(
    *,
    actor: User,
    case: Case,
    found_on: date,
    source_kind: str,
    source: str,
    reference: str = "",
    summary: str = "",
    at: datetime | None = None,
) -> NonRefoulementFinding:
    """Record a finding, by an authority or a court, of a real risk of serious harm on return:
    from then on the child may not be returned (R4). The summary is sealed."""
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    _choice(source_kind, FindingSource.values, "source_kind")
    source = _required(source, "source", _("Name the authority or court that made the finding."))
    _not_after(found_on, timezone.localdate(moment), "found_on")
    finding = NonRefoulementFinding(
        case=case, found_on=found_on, source_kind=source_kind, source=source, reference=reference.strip(),
        recorded_by=actor, recorded_at=moment,
    )  # fmt: skip
    finding.summary = _seal(case, NonRefoulementFinding, "summary", summary)
    finding.save()
    # A finding adds a protection (R4): kept in the gating-fact history (the summary stays sealed, out of it).
    gating_fact_change_record(
        actor=actor, case=case, fact=GatingFact.NON_REFOULEMENT_FINDING, before=False, after=True,
        reason=_("Found by %(source)s on %(date)s.") % {"source": source, "date": found_on},
        subject=f"non-refoulement finding {finding.pk}", at=moment,
    )  # fmt: skip
    return finding


@transaction.atomic
def non_refoulement_finding_set_aside(
    *, actor: User, finding: NonRefoulementFinding, set_aside_on: date, decision: str, at: datetime | None = None
) -> NonRefoulementFinding:
    """Record that a later decision set the finding aside (naming that decision, the reason).
    It lifts a bar to return (a gating fact): only a supervisor of the agency records it
    (RETURN_BLOCKED_PROTECTION_CLAIM.FACT_CHANGE_NEEDS_SUPERVISOR), kept in the child's
    gating-fact history."""
    locked = NonRefoulementFinding.objects.select_for_update().get(pk=finding.pk)
    case = _load(locked.case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    decision = _required(decision, "decision", _("Name the decision that set the finding aside."))
    _not_after(set_aside_on, timezone.localdate(moment), "set_aside_on")
    if locked.set_aside_on is not None:
        raise ValidationError(_("This finding was already set aside."))
    if set_aside_on < locked.found_on:
        raise ValidationError({"set_aside_on": _("A finding is set aside by a later decision.")})
    gating_fact_change_record(
        actor=actor, case=case, fact=GatingFact.NON_REFOULEMENT_FINDING, before=True, after=False,
        reason=_("Set aside by %(decision)s on %(date)s.") % {"decision": decision, "date": set_aside_on},
        subject=f"non-refoulement finding {locked.pk}", at=moment,
    )  # fmt: skip
    NonRefoulementFinding.objects.filter(pk=locked.pk).update(
        set_aside_on=set_aside_on, set_aside_by=decision, set_aside_recorded_by=actor
    )
    locked.refresh_from_db()
    return locked


# --- Criminal proceedings ------------------------------------------------------------------
@transaction.atomic
def criminal_proceeding_record(
    *,
    actor: User,
    case: Case,
    child_role: str,
    reference: str,
    stage: str = ProceedingStage.INVESTIGATION,
    stage_since: date | None = None,
    prosecutor: Agency | None = None,
    prosecutor_name: str = "",
    court: str = "",
    at: datetime | None = None,
) -> CriminalProceeding:
    """Record proceedings in which the child is a victim or witness. They gate no service (R5);
    the child's cooperation is recorded by the support app, on its own."""
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    _choice(child_role, ChildRole.values, "child_role")
    _choice(stage, ProceedingStage.values, "stage")
    reference = _required(reference, "reference", _("Record the proceedings' reference."))
    _not_after(stage_since, timezone.localdate(moment), "since")
    return CriminalProceeding.objects.create(
        case=case, child_role=child_role, reference=reference, prosecutor=prosecutor,
        prosecutor_name=prosecutor_name.strip(), court=court.strip(), stage=stage,
        stage_since=stage_since or timezone.localdate(moment), recorded_by=actor, recorded_at=moment,
    )  # fmt: skip


@transaction.atomic
def criminal_proceeding_stage_change(
    *, actor: User, proceeding: CriminalProceeding, stage: str, since: date, court: str = "", at: datetime | None = None
) -> CriminalProceeding:
    """Move the proceedings to another stage (the court too, when it changes)."""
    locked = CriminalProceeding.objects.select_for_update().get(pk=proceeding.pk)
    require(actor, Action.WORK, _load(locked.case))
    _choice(stage, ProceedingStage.values, "stage")
    _not_after(since, timezone.localdate(at), "since")
    if since < locked.stage_since:
        raise ValidationError({"since": _("The proceedings reached their current stage on %(date)s.") % {
            "date": locked.stage_since}})  # fmt: skip
    CriminalProceeding.objects.filter(pk=locked.pk).update(
        stage=stage, stage_since=since, court=court.strip() or locked.court
    )
    locked.refresh_from_db()
    return locked


@dataclass(frozen=True)
class InterviewRecorded:
    interview: ProceedingInterview
    count: int  # the child's interviews in all proceedings, this one included
    repeated: bool  # more than HAVEN_INTERVIEWS_BEFORE_WARNING: each repetition harms the child

    @property
    def warning(self) -> str:
        if not self.repeated:
            return ""
        return _(
            "This child has now been interviewed %(count)s times. Repeated interviews harm the child: ask for a "
            "video-recorded interview to be used instead of another one."
        ) % {"count": self.count}


def _interview_review_alerts(interview: ProceedingInterview, case: Case, at: datetime) -> int:
    """The supervisors' review, due by `review_due_at`, and the guardian's once one is active;
    each raised once (keyed), however often this runs. An interview held without a guardian
    alerts as such (INTERVIEW_WITHOUT_GUARDIAN); an urgent one as an urgent action to review."""
    flagged = interview.without_guardian
    urgent = _(" (urgent)") if interview.urgent else ""
    detail = (
        _("%(case)s: interviewed by %(by)s on %(when)s without a representative or guardian%(urgent)s")
        if flagged
        else _("%(case)s: urgent interview by %(by)s on %(when)s to review")
    ) % {"case": case.reference, "by": interview.get_interviewer_kind_display(),
         "when": f"{interview.held_at:%Y-%m-%d %H:%M}", "urgent": urgent}  # fmt: skip
    key = f"interview:{interview.pk}"
    raised = 0
    if interview.supervisor_reviewed_at is None:
        alert = alert_raise(
            kind=AlertKind.INTERVIEW_WITHOUT_GUARDIAN if flagged else AlertKind.URGENT_ACTION_REVIEW,
            agency=case.owning_agency, role=Role.SUPERVISOR, case=case, key=key, detail=detail,
            due_at=interview.review_due_at, at=at,
        )  # fmt: skip
        raised += alert is not None
    appointment = active_appointment(case=case, at=at)
    if interview.guardian_reviewed_at is None and appointment is not None:
        guardian = appointment.guardian
        membership = (
            Membership.objects.filter(user=guardian, role=Role.GUARDIAN, ended_at__isnull=True)
            .select_related("agency")
            .order_by("started_at")
            .first()
        )
        alert = alert_raise(
            kind=AlertKind.INTERVIEW_WITHOUT_GUARDIAN if flagged else AlertKind.URGENT_ACTION_GUARDIAN_REVIEW,
            agency=membership.agency if membership else case.owning_agency, user=guardian, case=case,
            key=f"{key}:guardian:{guardian.pk}", detail=detail, at=at,
        )  # fmt: skip
        raised += alert is not None
    return raised


@transaction.atomic
def interview_record(
    *,
    actor: User,
    proceeding: CriminalProceeding,
    held_at: datetime,
    interviewer_kind: str,
    interviewer: str = "",
    place: str = "",
    special_measures: Iterable[str] = (),
    urgent: bool = False,
    urgent_reason: str = "",
    at: datetime | None = None,
) -> InterviewRecorded:
    """Record an interview of the child, held or arranged, with the special measures used.

    R1 and the first rule:
    - arranging a non-urgent interview by police or immigration (held after `at`) is refused
      until a representative or guardian is active at its time (GUARDIAN_REQUIRED);
    - an interview that already took place without one is recorded all the same — the file
      tells the truth — flagged `without_guardian`, and alerted to the supervisors
      (INTERVIEW_WITHOUT_GUARDIAN) and to the guardian, now or once one is active;
    - an urgent interview goes ahead with its reason.
    Each urgent or flagged interview is reviewed afterwards: by a supervisor within
    HAVEN_URGENT_REVIEW_HOURS, and by the guardian once one is active
    (`interview_review`; `interview_reviews_alert` raises the guardian's alert on
    appointment). Every interview is counted: beyond HAVEN_INTERVIEWS_BEFORE_WARNING the result
    carries a warning to show.
    """
    locked = CriminalProceeding.objects.select_for_update().get(pk=proceeding.pk)
    case = _load(locked.case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    # Held or arranged: in the past, or planned within the horizon.
    core_dates.refuse_implausible(held_at, core_dates.PLANNED, field=_lazy("date of the interview"), at=moment)
    _choice(interviewer_kind, InterviewerKind.values, "interviewer_kind")
    measures = list(dict.fromkeys(special_measures))
    for measure in measures:
        _choice(measure, SpecialMeasure.values, "special_measures")
    if urgent:
        urgent_reason = _required(urgent_reason, "urgent_reason", _("Record why the interview is urgent."))
    missing = Violations()
    if interviewer_kind in GUARDED_INTERVIEWERS:
        guardian_present(missing, case=case, action=_("arranging an interview by police or immigration"), at=held_at)
    already_held = held_at <= moment
    if missing and not urgent and not already_held:
        missing.raise_if_any()
    flagged = bool(missing)
    review_due = (
        max(held_at, moment) + timedelta(hours=settings.HAVEN_URGENT_REVIEW_HOURS) if urgent or flagged else None
    )
    interview = ProceedingInterview.objects.create(
        proceeding=locked, held_at=held_at, interviewer_kind=interviewer_kind, interviewer=interviewer.strip(),
        place=_seal(case, ProceedingInterview, "place", place), special_measures=measures, urgent=urgent,
        urgent_reason=_seal(case, ProceedingInterview, "urgent_reason", urgent_reason if urgent else ""),
        without_guardian=flagged, review_due_at=review_due, recorded_by=actor, recorded_at=moment,
    )  # fmt: skip
    if review_due is not None:
        _interview_review_alerts(interview, case, moment)
    if interviewer_kind in GUARDED_INTERVIEWERS:
        # Whether it needed a guardian was decided on the child's gating facts: keep which.
        facts_reliance_record(actor=actor, case=case, decision=interview, at=moment)
    count = interview_count(case=case)
    return InterviewRecorded(
        interview=interview, count=count, repeated=count > settings.HAVEN_INTERVIEWS_BEFORE_WARNING
    )


@transaction.atomic
def interview_review(
    *, actor: User, interview: ProceedingInterview, review: str, at: datetime | None = None
) -> ProceedingInterview:
    """Record the review of an urgent interview, or of one held without a guardian: by the
    child's active guardian, or by a supervisor of the owning agency other than the person who
    recorded it. Closes the alert they were sent for it."""
    moment = at or timezone.now()
    locked = ProceedingInterview.objects.select_for_update().select_related("proceeding").get(pk=interview.pk)
    case = _load(locked.proceeding.case)
    require(actor, Action.WORK_OR_GUARD, case)  # 404 out of sight, 403 a reader's
    if locked.review_due_at is None:
        raise ValidationError(_("Only an urgent interview, or one held without a guardian, is reviewed."))
    review = _required(review, "review", _("Write the review."))
    key = f"interview:{locked.pk}"
    appointment = active_appointment(case=case, at=moment)
    if appointment is not None and appointment.guardian_id == actor.pk:
        if locked.guardian_reviewed_at is not None:
            raise ValidationError(_("The guardian has already reviewed this interview."))
        ProceedingInterview.objects.filter(pk=locked.pk).update(
            guardian_review=_seal(case, ProceedingInterview, "guardian_review", review), guardian_reviewed_by=actor,
            guardian_reviewed_at=moment,
        )  # fmt: skip
        key = f"{key}:guardian:{actor.pk}"
    elif Role.SUPERVISOR in agency_roles(actor=actor, agency_id=case.owning_agency_id):
        if locked.supervisor_reviewed_at is not None:
            raise ValidationError(_("A supervisor has already reviewed this interview."))
        if locked.recorded_by_id == actor.pk:
            raise PermissionDenied(_("An interview is reviewed by a supervisor other than the one who recorded it."))
        ProceedingInterview.objects.filter(pk=locked.pk).update(
            supervisor_review=_seal(case, ProceedingInterview, "supervisor_review", review),
            supervisor_reviewed_by=actor, supervisor_reviewed_at=moment,
        )  # fmt: skip
    else:
        raise PermissionDenied(_("Only the child's guardian or a supervisor of the agency reviews an interview."))
    # The review itself is sealed on the interview: the alert says only that it was done.
    alerts_done(Alert.objects.filter(case=case, key=key), actor=actor, outcome=_("Reviewed."), at=moment,
                resolution=Resolution.DONE)  # fmt: skip
    locked.refresh_from_db()
    return locked


def interview_reviews_alert(*, at: datetime | None = None) -> int:
    """Periodic: every urgent interview, and every one held without a guardian, still to review
    has its supervisors' alert, and its guardian's as soon as a guardian is active (appointed
    after the interview, say); for cases not closed. Keyed: running twice alerts once.
    Returns how many were raised."""
    moment = at or timezone.now()
    guardian_now = active_appointments(at=moment).filter(case=OuterRef("proceeding__case"))
    pending = (
        ProceedingInterview.objects.filter(review_due_at__isnull=False, recorded_at__lte=moment)
        .exclude(proceeding__case__state=CaseState.CLOSED)
        .filter(Q(supervisor_reviewed_at__isnull=True) | (Q(guardian_reviewed_at__isnull=True) & Exists(guardian_now)))
        .select_related("proceeding__case__owning_agency")
        .order_by("pk")
    )
    return sum(_interview_review_alerts(item, item.proceeding.case, moment) for item in pending.iterator())


@transaction.atomic
def special_measure_request(
    *, actor: User, proceeding: CriminalProceeding, measure: str, requested_on: date, at: datetime | None = None
) -> SpecialMeasureRequest:
    """Record that a special measure was asked for in the proceedings (once per measure)."""
    locked = CriminalProceeding.objects.select_for_update().get(pk=proceeding.pk)
    require(actor, Action.WORK, _load(locked.case))
    moment = at or timezone.now()
    _choice(measure, SpecialMeasure.values, "measure")
    _not_after(requested_on, timezone.localdate(moment), "requested_on")
    if SpecialMeasureRequest.objects.filter(proceeding=locked, measure=measure).exists():
        raise ValidationError({"measure": _("This measure was already requested in these proceedings.")})
    return SpecialMeasureRequest.objects.create(
        proceeding=locked, measure=measure, requested_on=requested_on, recorded_by=actor, recorded_at=moment
    )


@transaction.atomic
def special_measure_decide(
    *, actor: User, request: SpecialMeasureRequest, granted: bool, decided_on: date, at: datetime | None = None
) -> SpecialMeasureRequest:
    """Record the court's or prosecutor's decision on a requested measure."""
    locked = SpecialMeasureRequest.objects.select_for_update().select_related("proceeding").get(pk=request.pk)
    require(actor, Action.WORK, _load(locked.proceeding.case))
    if locked.decision != MeasureDecision.REQUESTED:
        raise ValidationError(_("This request was already decided."))
    _not_after(decided_on, timezone.localdate(at), "decided_on")
    if decided_on < locked.requested_on:
        raise ValidationError({"decided_on": _("A decision cannot come before the request.")})
    decision = MeasureDecision.GRANTED if granted else MeasureDecision.REFUSED
    SpecialMeasureRequest.objects.filter(pk=locked.pk).update(decision=decision, decided_on=decided_on)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def representative_appoint(
    *,
    actor: User,
    proceeding: CriminalProceeding,
    kind: str,
    name: str,
    starts_on: date,
    organisation: Agency | None = None,
    legal_aid: bool = False,
    at: datetime | None = None,
) -> ProceedingRepresentative:
    """Record the child's representative in the proceedings: a lawyer or a guardian ad litem."""
    locked = CriminalProceeding.objects.select_for_update().get(pk=proceeding.pk)
    require(actor, Action.WORK, _load(locked.case))
    _choice(kind, RepresentativeKind.values, "kind")
    name = _required(name, "name", _("Name the representative."))
    _not_after(starts_on, timezone.localdate(at), "starts_on")
    return ProceedingRepresentative.objects.create(
        proceeding=locked, kind=kind, name=name, organisation=organisation, legal_aid=legal_aid, starts_on=starts_on,
        recorded_by=actor, recorded_at=at or timezone.now(),
    )  # fmt: skip


@transaction.atomic
def representative_end(
    *, actor: User, representative: ProceedingRepresentative, ends_on: date, at: datetime | None = None
) -> ProceedingRepresentative:
    locked = ProceedingRepresentative.objects.select_for_update().select_related("proceeding").get(pk=representative.pk)
    require(actor, Action.WORK, _load(locked.proceeding.case))
    if locked.ends_on is not None:
        raise ValidationError(_("This representation has already ended."))
    _not_after(ends_on, timezone.localdate(at), "ends_on")
    if ends_on < locked.starts_on:
        raise ValidationError({"ends_on": _("A representation cannot end before it starts.")})
    ProceedingRepresentative.objects.filter(pk=locked.pk).update(ends_on=ends_on)
    locked.refresh_from_db()
    return locked


# --- Compensation --------------------------------------------------------------------------
def _money(amount: Decimal | None, currency: str, field: str) -> str:
    currency = currency.strip().upper()
    if amount is not None:
        if amount < 0:
            raise ValidationError({field: _("An amount cannot be negative.")})
        if len(currency) != 3 or not currency.isalpha():
            raise ValidationError({"currency": _("Give the currency's three-letter ISO 4217 code.")})
    return currency


@transaction.atomic
def compensation_claim_record(
    *,
    actor: User,
    case: Case,
    against: str,
    status: str = CompensationStatus.PREPARING,
    status_since: date | None = None,
    respondent: str = "",
    proceeding: CriminalProceeding | None = None,
    amount: Decimal | None = None,
    currency: str = "",
    legal_aid: bool = False,
    legal_aid_provider: Agency | None = None,
    at: datetime | None = None,
) -> CompensationClaim:
    """Record a claim for compensation (against the trafficker, a state fund, an employer).
    Who exactly is claimed against is sealed: it is a suspect's detail."""
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    _choice(against, CompensationRespondent.values, "against")
    _choice(status, CompensationStatus.values, "status")
    currency = _money(amount, currency, "amount")
    _not_after(status_since, timezone.localdate(moment), "since")
    if proceeding is not None and proceeding.case_id != case.pk:
        raise ValidationError({"proceeding": _("Those proceedings are another child's.")})
    claim = CompensationClaim(
        case=case, against=against, proceeding=proceeding, amount=amount, currency=currency,
        legal_aid=legal_aid or legal_aid_provider is not None, legal_aid_provider=legal_aid_provider, status=status,
        status_since=status_since or timezone.localdate(moment), recorded_by=actor, recorded_at=moment,
    )  # fmt: skip
    claim.respondent = _seal(case, CompensationClaim, "respondent", respondent)
    claim.save()
    return claim


@transaction.atomic
def compensation_claim_status_change(
    *,
    actor: User,
    claim: CompensationClaim,
    status: str,
    since: date,
    amount_awarded: Decimal | None = None,
    currency: str = "",
    at: datetime | None = None,
) -> CompensationClaim:
    """Move a compensation claim on (filed, awarded with the amount, paid, refused...)."""
    locked = CompensationClaim.objects.select_for_update().get(pk=claim.pk)
    require(actor, Action.WORK, _load(locked.case))
    _choice(status, CompensationStatus.values, "status")
    currency = currency.strip() or locked.currency
    if amount_awarded is not None:
        currency = _money(amount_awarded, currency, "amount_awarded")
    _not_after(since, timezone.localdate(at), "since")
    if since < locked.status_since:
        raise ValidationError({"since": _("The claim's last change was on %(date)s.") % {"date": locked.status_since}})
    awarded = amount_awarded if amount_awarded is not None else locked.amount_awarded
    CompensationClaim.objects.filter(pk=locked.pk).update(
        status=status, status_since=since, amount_awarded=awarded, currency=currency
    )
    locked.refresh_from_db()
    return locked
