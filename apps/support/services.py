"""Every write of the support app (R5): services for the child, and the record of cooperation.

Support is unconditional, held by structure. The functions that request, start, end or decline
a service never read the child's cooperation with criminal justice, identification status,
nationality or migration status (a test holds them to it, query by query). A service carries no
condition; an end or decline takes a reason from a closed list, and a reason posted by hand
that names one of those grounds is refused with SERVICES_UNCONDITIONAL's refinement; "other"
takes effect only with the approval of a supervisor of the agency holding the case, the
reason kept. The wording screen adds hints, never refusals. Cooperation is recorded by
`cooperation_record`, on its own, and gates nothing.

Who: caseworkers and supervisors of the agency holding the case request services and record
cooperation. The provider's own staff — members of the provider agency, who may not see the
case — start, end or decline the services asked of their agency; the case's staff may record
those steps too (for an outside provider, say). Anyone else gets a 404.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.models import Agency, AgencyKind, Membership, Role, User
from apps.age import rules as age_rules
from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alert_raise, alerts_done
from apps.cases import vault
from apps.cases.access import Action, require
from apps.cases.models import Case, CaseState
from apps.cases.selectors import agency_roles, case_may_act
from apps.core import dates as core_dates
from apps.core.rules import Violations
from apps.support import rules
from apps.support.models import (
    ACTIVE_STATUSES,
    ApprovalStatus,
    CooperationRecord,
    CooperationStatus,
    DeclineReason,
    EndReason,
    OtherReasonApproval,
    OtherStep,
    ServiceKind,
    ServiceStatus,
    SupportService,
)

CASE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})


# --- Shared ---------------------------------------------------------------------------------
def _load(case: Case) -> Case:
    return Case.objects.select_related("child", "owning_agency").get(pk=case.pk)


def is_provider_staff(*, actor: User, service: SupportService) -> bool:
    """A member of the agency the service was asked of (its staff answer for it)."""
    if service.provider_id is None:
        return False
    return Membership.objects.active().filter(user=actor, agency_id=service.provider_id).exists()


def _require_case_or_provider_staff(actor: User, service: SupportService) -> None:
    if is_provider_staff(actor=actor, service=service):
        return
    require(actor, Action.WORK, _load(service.case))


def _seal(case: Case, model: type[models.Model], column: str, value: str) -> bytes | None:
    return vault.seal(case.child, vault.data_key(case.child), model, column, value.strip() or None)


def _locked(service: SupportService) -> SupportService:
    return (
        SupportService.objects.select_for_update(of=("self",))
        .select_related("case__child", "provider")
        .get(pk=service.pk)
    )


def _moment(when: datetime | None, at: datetime | None, label: Promise) -> tuple[datetime, datetime]:
    """The service's moment and when the step happened, which has happened (apps/core/dates.py)."""
    moment = at or timezone.now()
    core_dates.refuse_implausible(when, core_dates.CASE_EVENT, field=label, at=moment)
    return moment, when or moment


def _request_alert_done(service: SupportService, *, actor: User, outcome: str, at: datetime) -> None:
    """The provider has answered: the request's alert is done (whoever answered)."""
    alerts_done(
        Alert.objects.filter(kind=AlertKind.SERVICE_REQUESTED, key=f"service:{service.pk}"), actor=actor,
        outcome=outcome, at=at,
    )  # fmt: skip


def _reason_listed(found: Violations, *, reason: str, allowed: type[models.TextChoices], field: str) -> None:
    """The reason must be one of the listed ones: a reason posted by hand that names a ground of R5
    ("not_cooperating") is refused with its code, anything else is simply unknown."""
    if reason not in allowed.values:
        if not rules.grounds_named(reason):
            raise ValidationError({field: _("“%(reason)s” is not one of the listed reasons.") % {"reason": reason}})
        rules.reasons_unconditional(found, texts=[reason], field=field)


def is_case_supervisor(*, actor: User, case: Case) -> bool:
    """A supervisor of the agency holding the case, who may act on it: the one who approves "other"."""
    return case_may_act(actor=actor, case=case) and Role.SUPERVISOR in agency_roles(
        actor=actor, agency_id=case.owning_agency_id
    )


def _add_hints(service: SupportService, codes: list[str]) -> None:
    if codes:
        merged = [*service.hints, *(c for c in codes if c not in service.hints)]
        SupportService.objects.filter(pk=service.pk).update(hints=merged)


def _other_reason(
    *, actor: User, service: SupportService, step: str, text: str, effective_at: datetime, at: datetime
) -> OtherReasonApproval:
    """Ask for (or, for the case's supervisor, record at once) the approval of an "other" reason."""
    if OtherReasonApproval.objects.filter(service=service, status=ApprovalStatus.PENDING).exists():
        raise ValidationError(_("An “other” reason for this service already awaits a supervisor."))
    supervisor = is_case_supervisor(actor=actor, case=service.case)
    approval = OtherReasonApproval(
        service=service, step=step, hints=rules.hints(notes=[text]), effective_at=effective_at, requested_by=actor,
        requested_at=at, status=ApprovalStatus.APPROVED if supervisor else ApprovalStatus.PENDING,
        decided_by=actor if supervisor else None, decided_at=at if supervisor else None,
    )  # fmt: skip
    approval.text = _seal(service.case, OtherReasonApproval, "text", text)
    approval.save()
    return approval


def _apply_end(service: SupportService, *, by: User, reason: str, note: str, when: datetime,
               approval: OtherReasonApproval | None) -> None:  # fmt: skip
    SupportService.objects.filter(pk=service.pk).update(
        status=ServiceStatus.ENDED, ended_at=when, ended_by=by, end_reason=reason,
        end_note=_seal(service.case, SupportService, "end_note", note), other_approval=approval,
    )  # fmt: skip


def _apply_decline(service: SupportService, *, by: User, reason: str, note: str, when: datetime,
                   approval: OtherReasonApproval | None) -> None:  # fmt: skip
    SupportService.objects.filter(pk=service.pk).update(
        status=ServiceStatus.DECLINED, declined_at=when, declined_by=by, decline_reason=reason,
        decline_note=_seal(service.case, SupportService, "decline_note", note), other_approval=approval,
    )  # fmt: skip


# --- Services ---------------------------------------------------------------------------------
@transaction.atomic
def service_request(
    *,
    actor: User,
    case: Case,
    kind: str,
    provider: Agency | None = None,
    provider_name: str = "",
    needs: str = "",
    requested_at: datetime | None = None,
    at: datetime | None = None,
) -> SupportService:
    """Request a service for the child from an agency in Haven or a named provider outside.

    A request has no place for a condition: there is none to set. What the child needs is a
    description, read by no step of the service; where a sentence of it seems to tie the
    service to the child's cooperation, identification status or nationality, the wording
    screen keeps a hint on the service for the case's staff (it refuses nothing).
    SERVICE_REQUESTED goes to the provider agency (its partner staff; its supervisors when it
    is the case's own agency). What the child needs is sealed.
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    moment, when = _moment(requested_at, at, _lazy("date of the request"))
    if kind not in ServiceKind.values:
        raise ValidationError({"kind": _("Unknown service.")})
    provider_name = provider_name.strip()
    if (provider is None) == (not provider_name):
        raise ValidationError(_("Name one provider: an agency in Haven, or a provider outside it."))
    if provider is not None and not provider.is_active:
        raise ValidationError({"provider": _("This agency is no longer active.")})
    if case.state == CaseState.CLOSED:
        raise ValidationError(_("The case is closed: reopen it to request a service."))
    if when > moment:
        raise ValidationError({"requested_at": _("A request cannot be recorded ahead of time.")})
    service = SupportService(
        case=case, kind=kind, provider=provider, provider_name=provider_name, requested_at=when, requested_by=actor,
        recorded_at=moment, hints=rules.hints(needs=needs),
    )  # fmt: skip
    service.needs = _seal(case, SupportService, "needs", needs)
    service.save()
    if provider is not None:
        detail = _("%(case)s: %(service)s requested") % {"case": case.reference, "service": service.get_kind_display()}
        own = provider.pk == case.owning_agency_id
        alert_raise(
            kind=AlertKind.SERVICE_REQUESTED, agency=provider, role=Role.SUPERVISOR if own else Role.PARTNER_STAFF,
            case=case, key=f"service:{service.pk}", detail=detail, at=moment,
        )  # fmt: skip
    return service


@transaction.atomic
def service_start(
    *, actor: User, service: SupportService, started_at: datetime | None = None, at: datetime | None = None
) -> SupportService:
    """The provider has begun to provide the service."""
    locked = _locked(service)
    _require_case_or_provider_staff(actor, locked)
    moment, when = _moment(started_at, at, _lazy("date the service started"))
    if locked.status != ServiceStatus.REQUESTED:
        raise ValidationError(_("Only a requested service can start."))
    if when < locked.requested_at or when > moment:
        raise ValidationError({"started_at": _("A service starts after its request, and not ahead of time.")})
    SupportService.objects.filter(pk=locked.pk).update(status=ServiceStatus.PROVIDED, started_at=when, started_by=actor)
    _request_alert_done(locked, actor=actor, outcome=_("Service started."), at=moment)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def service_end(
    *,
    actor: User,
    service: SupportService,
    reason: str,
    note: str = "",
    ended_at: datetime | None = None,
    at: datetime | None = None,
) -> SupportService:
    """End a requested or provided service, with one of the listed reasons.

    None of them names the child's cooperation, identification status or nationality; one
    posted by hand that does is refused with SERVICES_UNCONDITIONAL's refinement. "Handed over
    to services for adults" treats the person as an adult: refused with PRESUMED_MINOR while
    they are presumed a child (R2). "Other" needs its reason and a supervisor of the agency
    holding the case: theirs takes effect at once; anyone else's waits for their approval
    (`other_reason_approve`) and the service goes on meanwhile — the service is returned
    unchanged, with the pending approval among `other_reasons`. The note is sealed; the
    wording screen keeps hints on it, refusing nothing.
    """
    locked = _locked(service)
    _require_case_or_provider_staff(actor, locked)
    moment, when = _moment(ended_at, at, _lazy("date the service ended"))
    found = Violations()
    _reason_listed(found, reason=reason, allowed=EndReason, field="end_reason")
    # R2: the one guard for every choice that treats the person as an adult (apps/support/adulthood.py),
    # as the facts stand now and on the day the end is dated: a backdated end does not slip past it.
    for moment_checked in dict.fromkeys([moment, when]):
        if not found:
            age_rules.adult_choice_guard(found, case=locked.case, model="support.SupportService", field="end_reason",
                                         value=reason, at=moment_checked)  # fmt: skip
    found.raise_if_any()
    if reason == EndReason.OTHER and not note.strip():
        raise ValidationError({"end_note": _("Say why the service ends.")})
    if locked.status not in (ServiceStatus.REQUESTED, ServiceStatus.PROVIDED):
        raise ValidationError(_("This service has already ended or was declined."))
    if when < (locked.started_at or locked.requested_at) or when > moment:
        raise ValidationError({"ended_at": _("A service ends after it starts, and not ahead of time.")})
    approval = None
    if reason == EndReason.OTHER:
        approval = _other_reason(actor=actor, service=locked, step=OtherStep.END, text=note, effective_at=when,
                                 at=moment)  # fmt: skip
        if approval.status == ApprovalStatus.PENDING:
            locked.refresh_from_db()
            return locked  # the service goes on until a supervisor approves
    _apply_end(locked, by=actor, reason=reason, note=note, when=when, approval=approval)
    _add_hints(locked, rules.hints(notes=[note]))
    _request_alert_done(locked, actor=actor, outcome=_("Service ended."), at=moment)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def service_decline(
    *,
    actor: User,
    service: SupportService,
    reason: str,
    note: str = "",
    declined_at: datetime | None = None,
    at: datetime | None = None,
) -> SupportService:
    """The provider declines a requested service, with one of the listed reasons.

    A provider's reason is the provider's: none names the child's cooperation, identification
    status or nationality, and one posted by hand that does is refused with
    SERVICES_UNCONDITIONAL's refinement. "Other" needs its reason and waits for a supervisor of
    the agency holding the case (the request stays open meanwhile), as for an end. The child
    is not left without: the case's staff request the service again elsewhere. The note is
    sealed; the wording screen keeps hints on it.
    """
    locked = _locked(service)
    _require_case_or_provider_staff(actor, locked)
    moment, when = _moment(declined_at, at, _lazy("date the service was declined"))
    found = Violations()
    _reason_listed(found, reason=reason, allowed=DeclineReason, field="decline_reason")
    found.raise_if_any()
    if reason == DeclineReason.OTHER and not note.strip():
        raise ValidationError({"decline_note": _("Say why the provider declines.")})
    if locked.status != ServiceStatus.REQUESTED:
        raise ValidationError(_("Only a requested service can be declined."))
    if when < locked.requested_at or when > moment:
        raise ValidationError({"declined_at": _("A decline comes after the request, and not ahead of time.")})
    approval = None
    if reason == DeclineReason.OTHER:
        approval = _other_reason(actor=actor, service=locked, step=OtherStep.DECLINE, text=note, effective_at=when,
                                 at=moment)  # fmt: skip
        if approval.status == ApprovalStatus.PENDING:
            locked.refresh_from_db()
            return locked  # the request stays open until a supervisor approves
    _apply_decline(locked, by=actor, reason=reason, note=note, when=when, approval=approval)
    _add_hints(locked, rules.hints(notes=[note]))
    _request_alert_done(locked, actor=actor, outcome=_("Declined by the provider."), at=moment)
    locked.refresh_from_db()
    return locked


def _pending(approval: OtherReasonApproval) -> OtherReasonApproval:
    current = (
        OtherReasonApproval.objects.select_for_update(of=("self",))
        .select_related("service__case__child", "service__case__owning_agency", "requested_by")
        .get(pk=approval.pk)
    )
    if current.status != ApprovalStatus.PENDING:
        raise ValidationError(_("This “other” reason was decided already."))
    return current


def _require_approver(actor: User, approval: OtherReasonApproval) -> None:
    case = _load(approval.service.case)
    require(actor, Action.WORK_OR_GUARD, case)  # 404 out of sight, 403 a reader's
    if not is_case_supervisor(actor=actor, case=case):
        raise PermissionDenied(_("Only a supervisor of the agency holding the case approves an “other” reason."))


def _approved_text(approval: OtherReasonApproval) -> str:
    """The approved reason, moved into the service's own note: a system copy from one sealed
    column to another, shown to nobody here, so not a read (the note's readers are logged)."""
    child = approval.case.child
    return str(vault.open_sealed(child, vault.data_key(child), OtherReasonApproval, "text", approval.text) or "")


@transaction.atomic
def other_reason_approve(*, actor: User, approval: OtherReasonApproval, at: datetime | None = None) -> SupportService:
    """A supervisor of the agency holding the case approves a pending "other" end or decline:
    it takes effect as asked (who asked, and when they said it ends), and who approved is kept.

    If the service has meanwhile ended or been declined for a listed reason, nothing is left
    to approve. The approver has read the reason and its hints: R5 is theirs to hold.
    """
    current = _pending(approval)
    _require_approver(actor, current)
    moment = at or timezone.now()
    service = _locked(current.service)
    if moment < current.requested_at:
        raise ValidationError(_("An approval comes after it was asked for."))
    allowed = (ServiceStatus.REQUESTED,) if current.step == OtherStep.DECLINE else ACTIVE_STATUSES
    if service.status not in allowed:
        raise ValidationError(_("The service has already ended or was declined."))
    OtherReasonApproval.objects.filter(pk=current.pk).update(
        status=ApprovalStatus.APPROVED, decided_by=actor, decided_at=moment
    )
    current.refresh_from_db()
    text = _approved_text(current)
    apply = _apply_end if current.step == OtherStep.END else _apply_decline
    reason = EndReason.OTHER if current.step == OtherStep.END else DeclineReason.OTHER
    apply(service, by=current.requested_by, reason=reason, note=text, when=current.effective_at, approval=current)
    _add_hints(service, current.hints)
    outcome = _("Service ended.") if current.step == OtherStep.END else _("Declined by the provider.")
    _request_alert_done(service, actor=actor, outcome=outcome, at=moment)
    service.refresh_from_db()
    return service


@transaction.atomic
def other_reason_refuse(
    *, actor: User, approval: OtherReasonApproval, why: str, at: datetime | None = None
) -> OtherReasonApproval:
    """A supervisor of the agency holding the case refuses a pending "other" reason, saying why:
    the service goes on (or the request stays open)."""
    current = _pending(approval)
    _require_approver(actor, current)
    moment = at or timezone.now()
    if not why.strip():
        raise ValidationError({"decision_note": _("Say why the reason is refused.")})
    if moment < current.requested_at:
        raise ValidationError(_("A refusal comes after it was asked for."))
    OtherReasonApproval.objects.filter(pk=current.pk).update(
        status=ApprovalStatus.REFUSED,
        decided_by=actor,
        decided_at=moment,
        decision_note=_seal(current.service.case, OtherReasonApproval, "decision_note", why),
    )
    current.refresh_from_db()
    return current


# --- Cooperation with criminal justice ------------------------------------------------------
JUSTICE_KINDS = (AgencyKind.POLICE, AgencyKind.PROSECUTION)


@transaction.atomic
def cooperation_record(
    *,
    actor: User,
    case: Case,
    status: str,
    with_agency: Agency | None = None,
    with_name: str = "",
    note: str = "",
    as_of: datetime | None = None,
    at: datetime | None = None,
) -> CooperationRecord:
    """Record where the child stands on cooperating with an investigation or prosecution.

    Its own record, added to the history (the latest is current); it changes no service and
    no service reads it (R5). With whom: a police or prosecution agency in Haven, or named
    (the name sealed, as the note is).
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    moment, when = _moment(as_of, at, _lazy("date of the cooperation status"))
    if status not in CooperationStatus.values:
        raise ValidationError({"status": _("Unknown cooperation status.")})
    with_name = with_name.strip()
    if with_agency is not None and with_agency.kind not in JUSTICE_KINDS:
        raise ValidationError({"with_agency": _("Cooperation is with a police or prosecution agency.")})
    if with_agency is not None and with_name:
        raise ValidationError(_("Name the agency in Haven or the one outside it, not both."))
    if status != CooperationStatus.NOT_ASKED_YET and with_agency is None and not with_name:
        raise ValidationError({"with_name": _("Say with whom: the police or prosecution concerned.")})
    if when > moment:
        raise ValidationError({"as_of": _("Cooperation cannot be recorded ahead of time.")})
    record = CooperationRecord(
        case=case, status=status, with_agency=with_agency, as_of=when, recorded_by=actor, recorded_at=moment,
    )  # fmt: skip
    record.with_name = _seal(case, CooperationRecord, "with_name", with_name)
    record.note = _seal(case, CooperationRecord, "note", note)
    record.save()
    return record
