"""Every write of the support app (R5): services for the child, and the record of cooperation.

Support is unconditional. The functions that request, start, end or decline a service never
read the child's cooperation with criminal justice, identification status, nationality or
migration status (a test holds them to it, query by query), and refuse any attempt to make a
service depend on them with SERVICES_UNCONDITIONAL and its refinements. Cooperation is
recorded by `cooperation_record`, on its own, and gates nothing.

Who: caseworkers and supervisors of the agency holding the case request services and record
cooperation. The provider's own staff — members of the provider agency, who may not see the
case — start, end or decline the services asked of their agency; the case's staff may record
those steps too (for an outside provider, say). Anyone else gets a 404.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Agency, AgencyKind, Membership, Role, User
from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alert_raise
from apps.cases import vault
from apps.cases.models import Case, CaseState
from apps.cases.selectors import agency_roles, case_may_act
from apps.core.rules import Violations
from apps.support import rules
from apps.support.models import (
    CooperationRecord,
    CooperationStatus,
    DeclineReason,
    EndReason,
    ServiceKind,
    ServiceStatus,
    SupportService,
)

CASE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})


# --- Shared ---------------------------------------------------------------------------------
def _load(case: Case) -> Case:
    return Case.objects.select_related("child", "owning_agency").get(pk=case.pk)


def _require_case_staff(actor: User, case: Case) -> None:
    """A caseworker or supervisor of the owning agency who may act on the case (404 / 403 otherwise)."""
    if not case_may_act(actor=actor, case=case):
        raise Http404
    if not agency_roles(actor=actor, agency_id=case.owning_agency_id) & CASE_ROLES:
        raise PermissionDenied(_("Only caseworkers and supervisors of the agency holding the case record this."))


def is_provider_staff(*, actor: User, service: SupportService) -> bool:
    """A member of the agency the service was asked of (its staff answer for it)."""
    if service.provider_id is None:
        return False
    return Membership.objects.active().filter(user=actor, agency_id=service.provider_id).exists()


def _require_case_or_provider_staff(actor: User, service: SupportService) -> None:
    if is_provider_staff(actor=actor, service=service):
        return
    _require_case_staff(actor, _load(service.case))


def _seal(case: Case, model: type[models.Model], column: str, value: str) -> bytes | None:
    return vault.seal(case.child, vault.data_key(case.child), model, column, value.strip() or None)


def _locked(service: SupportService) -> SupportService:
    return (
        SupportService.objects.select_for_update(of=("self",))
        .select_related("case__child", "provider")
        .get(pk=service.pk)
    )


def _moment(when: datetime | None, at: datetime | None) -> tuple[datetime, datetime]:
    moment = at or timezone.now()
    return moment, when or moment


def _request_alert_done(service: SupportService, *, actor: User, outcome: str, at: datetime) -> None:
    """The provider has answered: the request's alert is done (whoever answered)."""
    Alert.objects.filter(kind=AlertKind.SERVICE_REQUESTED, key=f"service:{service.pk}", done_at__isnull=True).update(
        done_at=at, done_by=actor, outcome=outcome
    )


def _screen_reason(found: Violations, *, reason: str, allowed: type[models.TextChoices], note: str, field: str) -> None:
    """The reason must be one of the listed ones; a reason posted by hand that names a ground of
    R5 ("not_cooperating") is refused with its code, anything else is simply unknown. The note
    is read for the grounds too."""
    if reason not in allowed.values:
        grounds = rules.grounds_named(reason)
        if not grounds:
            raise ValidationError({field: _("“%(reason)s” is not one of the listed reasons.") % {"reason": reason}})
        rules.reasons_unconditional(found, texts=[reason], field=field)
    rules.reasons_unconditional(found, texts=[note], field=f"{field}_note")


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
    conditions: str = "",
    requested_at: datetime | None = None,
    at: datetime | None = None,
) -> SupportService:
    """Request a service for the child from an agency in Haven or a named provider outside.

    A request carries no condition: one that names the child's cooperation, identification
    status or nationality is refused with SERVICES_UNCONDITIONAL's refinement, any other with
    a plain validation error; so is a description of needs that makes the service conditional
    on those grounds. SERVICE_REQUESTED goes to the provider agency (its partner staff; its
    supervisors when it is the case's own agency). What the child needs is sealed.
    """
    case = _load(case)
    _require_case_staff(actor, case)
    moment, when = _moment(requested_at, at)
    found = Violations()
    rules.reasons_unconditional(found, texts=[conditions], field="conditions")
    rules.needs_unconditional(found, needs=needs)
    found.raise_if_any()
    if conditions.strip():
        raise ValidationError(
            {"conditions": _("Services are given without conditions: describe what the child needs.")}
        )
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
        recorded_at=moment,
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
    moment, when = _moment(started_at, at)
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
    """End a requested or provided service, with one of the listed reasons (and a note for "other").

    A reason or note naming the child's cooperation, identification status or nationality is
    refused with SERVICES_UNCONDITIONAL's refinement. The note is sealed.
    """
    locked = _locked(service)
    _require_case_or_provider_staff(actor, locked)
    moment, when = _moment(ended_at, at)
    found = Violations()
    _screen_reason(found, reason=reason, allowed=EndReason, note=note, field="end_reason")
    found.raise_if_any()
    if reason == EndReason.OTHER and not note.strip():
        raise ValidationError({"end_note": _("Say why the service ends.")})
    if locked.status not in (ServiceStatus.REQUESTED, ServiceStatus.PROVIDED):
        raise ValidationError(_("This service has already ended or was declined."))
    if when < (locked.started_at or locked.requested_at) or when > moment:
        raise ValidationError({"ended_at": _("A service ends after it starts, and not ahead of time.")})
    SupportService.objects.filter(pk=locked.pk).update(
        status=ServiceStatus.ENDED, ended_at=when, ended_by=actor, end_reason=reason,
        end_note=_seal(locked.case, SupportService, "end_note", note),
    )  # fmt: skip
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
    """The provider declines a requested service, with one of the listed reasons (a note for "other").

    A provider's reason is the provider's: one naming the child's cooperation, identification
    status or nationality is refused with SERVICES_UNCONDITIONAL's refinement. The child is
    not left without: the case's staff request the service again elsewhere. The note is sealed.
    """
    locked = _locked(service)
    _require_case_or_provider_staff(actor, locked)
    moment, when = _moment(declined_at, at)
    found = Violations()
    _screen_reason(found, reason=reason, allowed=DeclineReason, note=note, field="decline_reason")
    found.raise_if_any()
    if reason == DeclineReason.OTHER and not note.strip():
        raise ValidationError({"decline_note": _("Say why the provider declines.")})
    if locked.status != ServiceStatus.REQUESTED:
        raise ValidationError(_("Only a requested service can be declined."))
    if when < locked.requested_at or when > moment:
        raise ValidationError({"declined_at": _("A decline comes after the request, and not ahead of time.")})
    SupportService.objects.filter(pk=locked.pk).update(
        status=ServiceStatus.DECLINED, declined_at=when, declined_by=actor, decline_reason=reason,
        decline_note=_seal(locked.case, SupportService, "decline_note", note),
    )  # fmt: skip
    _request_alert_done(locked, actor=actor, outcome=_("Declined by the provider."), at=moment)
    locked.refresh_from_db()
    return locked


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
    no service reads it (R5). With whom: a police or prosecution agency in Haven, or named.
    The note is sealed.
    """
    case = _load(case)
    _require_case_staff(actor, case)
    moment, when = _moment(as_of, at)
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
        case=case, status=status, with_agency=with_agency, with_name=with_name, as_of=when, recorded_by=actor,
        recorded_at=moment,
    )  # fmt: skip
    record.note = _seal(case, CooperationRecord, "note", note)
    record.save()
    return record
