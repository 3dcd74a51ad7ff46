"""Every write of a referral, each checking its actor itself (DOMAIN R8, "Referrals").

- `referral_send`: a caseworker or supervisor of the case (`require(actor, Action.WORK, case)`)
  refers it to another agency. Every refusal at once, nothing written (apps/referrals/rules.py).
- The receiver's replies, by the receiving agency's staff (`receiving_staff_roles` of
  `to_agency`, checked on their membership, not on the case's visibility): `referral_acknowledge`,
  `referral_accept`, `referral_decline` (with a reason), `referral_complete`. A reply to a
  referral that has ended or expired is refused (SHARING_NOT_ALLOWED.REFERRAL_NOT_ACTIVE).
- `referral_revoke`: the sending agency's caseworkers and supervisors, any time while it is
  open; the receiver's access ends that second.
- `referral_review`: a supervisor of the sending agency reviews an urgent-protection referral
  (alerted at once, due within HAVEN_URGENT_REFERRAL_REVIEW_HOURS).
- Periodic (tasks.py): `referrals_expire` marks what passed its expiry, `referrals_overdue_alert`
  tells the sender of a reply that did not come by its deadline.

Hooks for the apps that build on referrals (the guardianship requests, the case transfer):
- `referral_send(..., guard=...)`: a callable given the Violations collector, so the caller's
  own refusals come with the referral's in one RuleViolation;
- `on_accepted(kind, hook)`: registered once (in the higher app's `AppConfig.ready`), the hook is
  called as `hook(actor=..., referral=..., at=...)` inside `referral_accept`'s transaction; a
  refusal raised there undoes the acceptance. Like the guard registry of apps/cases/guards.py,
  the referrals app knows none of them.
"""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Agency, Role, User
from apps.alerts.models import Alert, AlertKind, Resolution
from apps.alerts.services import alert_raise, alerts_done
from apps.cases import vault
from apps.cases.access import Action, require
from apps.cases.models import Case
from apps.core import dates as core_dates
from apps.core.rules import Violations, refuse
from apps.guardianship.models import GuardianAppointment
from apps.referrals import rules
from apps.referrals.models import (
    OPEN_STATES,
    LegalBasis,
    Referral,
    ReferralEvent,
    ReferralEventKind,
    ReferralKind,
    ReferralState,
    ServiceKind,
    Urgency,
)
from apps.referrals.selectors import receives_for, receiving_staff_roles, sends_for

# The reply deadline when none is given: a day for urgent, two weeks for routine.
DEFAULT_REPLY = {Urgency.URGENT: timedelta(days=1), Urgency.ROUTINE: timedelta(days=14)}

SendGuard = Callable[[Violations], None]
AcceptedHook = Callable[..., Any]
_ON_ACCEPTED: dict[str, list[AcceptedHook]] = {}


def on_accepted(kind: str, hook: AcceptedHook) -> None:
    """Call `hook(actor=, referral=, at=)` whenever a referral of `kind` is accepted (once each)."""
    hooks = _ON_ACCEPTED.setdefault(str(kind), [])
    if hook not in hooks:
        hooks.append(hook)


# --- Shared ---------------------------------------------------------------------------------
def _seal(case: Case, column: str, value: str, model: type[models.Model] = Referral) -> bytes | None:
    return vault.seal(case.child, vault.data_key(case.child), model, column, value.strip() or None)


def _event(referral: Referral, kind: str, actor: User | None, at: datetime, note: str = "") -> None:
    event = ReferralEvent(referral=referral, kind=kind, actor=actor, at=at)
    if note.strip():
        event.note = _seal(referral.case, "note", note, ReferralEvent)
    event.save()


def _required(value: str, field: str, message: str) -> str:
    if not value.strip():
        raise ValidationError({field: message})
    return value.strip()


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case__child", "case__owning_agency", "from_agency", "to_agency")
        .get(pk=referral.pk)
    )


def _close_alerts(
    referral: Referral, *, actor: User | None, outcome: str, at: datetime,
    prefixes: tuple[str, ...] = ("referral", "referral-overdue"),
) -> None:  # fmt: skip
    """Close this referral's open alerts that the step just recorded made moot."""
    keys = models.Q()
    for prefix in prefixes:
        keys |= models.Q(key__startswith=f"{prefix}:{referral.pk}:")
    alerts_done(
        Alert.objects.filter(keys, case=referral.case_id),
        actor=actor, outcome=outcome, at=at, resolution=Resolution.CONDITION_ENDED,
    )  # fmt: skip


def _still_active(referral: Referral, at: datetime) -> None:
    """REFERRAL_NOT_ACTIVE once it has ended, or its expiry has passed (before the task marks it)."""
    ended = referral.ended_at is not None and referral.ended_at <= at
    expired = referral.expires_at is not None and referral.expires_at <= at
    if ended or expired or referral.state not in OPEN_STATES:
        raise refuse("SHARING_NOT_ALLOWED.REFERRAL_NOT_ACTIVE")


def _as_receiver(actor: User, referral: Referral, at: datetime) -> None:
    """Only the receiving agency's staff reply; anyone else learns nothing (404)."""
    if not receives_for(actor=actor, agency=referral.to_agency_id, at=at):
        raise Http404


def _deadline(found: Violations, value: datetime | None, field: str, at: datetime) -> None:
    """A deadline still ahead, and not implausibly far (apps/core/dates.py, PLANNED)."""
    if value is None:
        return
    if value <= at:
        found.add("SHARING_NOT_ALLOWED.DEADLINE_PASSED", field=field, value=f"{value:%Y-%m-%d %H:%M}")
        return
    core_dates.check_plausible(found, value, core_dates.PLANNED, field=field, at=at)


# --- Sending --------------------------------------------------------------------------------
def _refuse_bad_input(
    found: Violations, *, case: Case, to_agency: Agency | None, kind: str, service: str, sections: list[str]
) -> None:
    if to_agency is None or not to_agency.is_active:
        found.add("SHARING_NOT_ALLOWED.UNKNOWN_AGENCY")
    elif to_agency.pk == case.owning_agency_id:
        found.add("SHARING_NOT_ALLOWED.OWN_AGENCY", agency=to_agency.name)
    if kind == ReferralKind.SERVICE:
        found.check(service in ServiceKind.values, "SHARING_NOT_ALLOWED.NO_SERVICE")
    found.check(bool(sections), "SHARING_NOT_ALLOWED.NO_SECTIONS")
    unknown = rules.unknown_sections(sections)
    if unknown:
        found.add("SHARING_NOT_ALLOWED.UNKNOWN_SECTION", sections=", ".join(unknown))


def _refuse_send(
    *, case: Case, to_agency: Agency | None, kind: str, service: str, legal_basis: str, purpose: str,
    sections: list[str], reply_by: datetime, expires_at: datetime | None, child_consent: bool,
    child_consent_at: datetime | None, guardian_consent: GuardianAppointment | None,
    guardian_consent_at: datetime | None, legal_reference: str, urgent_reason: str, guard: SendGuard | None,
    at: datetime,
) -> None:  # fmt: skip
    """Every reason `referral_send` refuses, at once; nothing is written before it passes."""
    chosen, urgent = sections, legal_basis == LegalBasis.URGENT_PROTECTION
    found = Violations()
    _refuse_bad_input(found, case=case, to_agency=to_agency, kind=kind, service=service, sections=chosen)
    _deadline(found, reply_by, str(_("reply deadline")), at)
    _deadline(found, expires_at, str(_("end of access")), at)
    for consented, label in ((child_consent_at, _("child's consent")), (guardian_consent_at, _("guardian's consent"))):
        core_dates.check_plausible(found, consented, core_dates.CASE_EVENT, field=str(label), at=at)
    rules.basis_and_purpose(found, legal_basis=legal_basis, purpose=purpose, legal_reference=legal_reference)
    if kind != ReferralKind.SERVICE or service in ServiceKind.values:  # else NO_SERVICE says it
        allowed = rules.purpose_sections(kind=kind, service=service, legal_basis=legal_basis)
        rules.within_purpose(found, sections=chosen, allowed=allowed)
    if urgent:  # the first rule: nothing else stops it, a supervisor reviews it afterwards
        rules.urgent_reason_given(found, urgent_reason=urgent_reason)
    else:
        if legal_basis == LegalBasis.CONSENT:
            rules.consent_complete(
                found, case=case, child_consent=child_consent, child_consent_at=child_consent_at,
                guardian_consent=guardian_consent, at=at,
            )  # fmt: skip
        if to_agency is not None:
            rules.for_protection(found, to_agency=to_agency, kind=kind, service=service)
    if to_agency is not None:
        rules.not_to_origin_authorities(
            found, case=case, to_agency=to_agency, child_consent=child_consent, guardian_consent=guardian_consent,
            urgent=urgent, at=at,
        )  # fmt: skip
    if guard is not None:
        guard(found)
    found.raise_if_any()


@transaction.atomic
def referral_send(
    *,
    actor: User,
    case: Case,
    to_agency: Agency | None,
    kind: str = ReferralKind.SERVICE,
    service: str = "",
    legal_basis: str = "",
    purpose: str = "",
    sections: Iterable[str] | None = None,
    urgency: str = Urgency.ROUTINE,
    reply_by: datetime | None = None,
    child_consent: bool = False,
    child_consent_at: datetime | None = None,
    guardian_consent: GuardianAppointment | None = None,
    guardian_consent_at: datetime | None = None,
    legal_reference: str = "",
    urgent_reason: str = "",
    expires_at: datetime | None = None,
    guard: SendGuard | None = None,
    at: datetime | None = None,
) -> Referral:
    """Refer `case` to `to_agency`, sharing `sections` for a stated purpose on a legal basis.

    Refused with every violation at once and nothing written: bad input (an unknown or inactive
    agency, the case's own agency, no or unknown sections, no service, a deadline passed or
    implausible) and R8 (apps/referrals/rules.py: basis and purpose, consent, sections beyond
    the purpose, police or immigration not for protection, the country of origin). Urgent
    protection is refused only for bad input, a missing reason, more than the minimum
    sections, or the country of origin: it is reviewed afterwards, the sender agency's
    supervisors alerted. Without `sections`, those R8 shares by default that the purpose needs.
    The receiving agency's staff are alerted.
    """
    moment = at or timezone.now()
    require(actor, Action.WORK, case)
    case = Case.objects.select_related("child", "owning_agency").get(pk=case.pk)
    if kind not in ReferralKind.values:
        raise ValidationError({"kind": _("Not a kind of referral.")})
    service = service if kind == ReferralKind.SERVICE else ""
    urgent = legal_basis == LegalBasis.URGENT_PROTECTION
    chosen = (
        rules.default_sections(kind=kind, service=service, legal_basis=legal_basis)
        if sections is None
        else [str(s) for s in dict.fromkeys(sections)]
    )
    if urgent:
        urgency = Urgency.URGENT
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Not an urgency.")})
    reply_by = reply_by or moment + DEFAULT_REPLY[Urgency(urgency)]
    if child_consent and child_consent_at is None:
        child_consent_at = moment
    if guardian_consent is not None and guardian_consent_at is None:
        guardian_consent_at = moment

    _refuse_send(
        case=case, to_agency=to_agency, kind=kind, service=service, legal_basis=legal_basis, purpose=purpose,
        sections=chosen, reply_by=reply_by, expires_at=expires_at, child_consent=child_consent,
        child_consent_at=child_consent_at, guardian_consent=guardian_consent, guardian_consent_at=guardian_consent_at,
        legal_reference=legal_reference, urgent_reason=urgent_reason, guard=guard, at=moment,
    )  # fmt: skip
    if to_agency is None:  # refused above (UNKNOWN_AGENCY); for the type checker
        raise ValidationError({"to_agency": _("Choose the receiving agency.")})

    referral = Referral(
        case=case, kind=kind, service=service, from_agency=case.owning_agency, to_agency=to_agency, sent_by=actor,
        sent_at=moment, legal_basis=legal_basis, child_consent=child_consent, child_consent_at=child_consent_at,
        guardian_consent=guardian_consent, guardian_consent_at=guardian_consent_at,
        legal_reference=legal_reference.strip(), sections=chosen, urgency=urgency, reply_by=reply_by,
        expires_at=expires_at,
    )  # fmt: skip
    referral.purpose = _seal(case, "purpose", purpose)
    referral.urgent_reason = _seal(case, "urgent_reason", urgent_reason) if urgent else None
    referral.save()
    _event(referral, ReferralEventKind.SENT, actor, moment)
    _alert_received(referral, at=moment)
    if urgent:
        _alert_review(referral, at=moment)
    return referral


def _alert_received(referral: Referral, *, at: datetime) -> None:
    """The receiving agency's staff: a new referral to reply to by its deadline."""
    what = referral.get_service_display() if referral.service else referral.get_kind_display()
    detail = _("%(urgency)s referral from %(agency)s (%(case)s): %(what)s, reply by %(due)s") % {
        "urgency": referral.get_urgency_display(), "agency": referral.from_agency.name,
        "case": referral.case.reference, "what": what, "due": f"{referral.reply_by:%Y-%m-%d %H:%M}",
    }  # fmt: skip
    for role in sorted(receiving_staff_roles):
        alert_raise(
            kind=AlertKind.SERVICE_REQUESTED, agency=referral.to_agency, role=role, case=referral.case,
            key=f"referral:{referral.pk}:{role}", detail=detail, due_at=referral.reply_by, at=at,
        )  # fmt: skip


def _alert_review(referral: Referral, *, at: datetime) -> None:
    """The sending agency's supervisors: review an urgent-protection referral in time."""
    due = at + timedelta(hours=settings.HAVEN_URGENT_REFERRAL_REVIEW_HOURS)
    detail = _("%(case)s referred to %(agency)s for urgent protection by %(person)s: review it") % {
        "case": referral.case.reference, "agency": referral.to_agency.name, "person": referral.sent_by,
    }  # fmt: skip
    alert_raise(
        kind=AlertKind.URGENT_ACTION_REVIEW, agency=referral.from_agency, role=Role.SUPERVISOR, case=referral.case,
        key=f"referral-review:{referral.pk}:", detail=detail, due_at=due, at=at,
    )  # fmt: skip


# --- The receiver's replies -----------------------------------------------------------------
def _reply(actor: User, referral: Referral, at: datetime, *, allowed: Iterable[str]) -> Referral:
    current = _locked(referral)
    _as_receiver(actor, current, at)
    _still_active(current, at)
    if current.state not in allowed:
        if current.state == ReferralState.SENT:  # completing what was never accepted
            raise refuse("SHARING_NOT_ALLOWED.NOT_ACCEPTED")
        raise refuse("SHARING_NOT_ALLOWED.ALREADY_REPLIED", state=current.get_state_display().lower())
    return current


@transaction.atomic
def referral_acknowledge(*, actor: User, referral: Referral, at: datetime | None = None) -> Referral:
    """The receiver says it has the referral and is looking at it (a reply: no longer overdue)."""
    moment = at or timezone.now()
    current = _reply(actor, referral, moment, allowed=[ReferralState.SENT])
    current.state, current.acknowledged_at = ReferralState.ACKNOWLEDGED, moment
    current.save(update_fields=["state", "acknowledged_at"])
    _event(current, ReferralEventKind.ACKNOWLEDGED, actor, moment)
    _close_alerts(current, actor=actor, outcome=_("Referral acknowledged."), at=moment)
    return current


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral, at: datetime | None = None) -> Referral:
    """The receiver takes the referral on: a service's shared sections are readable from now.
    The hooks registered for its kind run in the same transaction (`on_accepted`)."""
    moment = at or timezone.now()
    current = _reply(actor, referral, moment, allowed=[ReferralState.SENT, ReferralState.ACKNOWLEDGED])
    current.state, current.accepted_at = ReferralState.ACCEPTED, moment
    current.acknowledged_at = current.acknowledged_at or moment
    current.save(update_fields=["state", "accepted_at", "acknowledged_at"])
    _event(current, ReferralEventKind.ACCEPTED, actor, moment)
    _close_alerts(current, actor=actor, outcome=_("Referral accepted."), at=moment)
    for hook in _ON_ACCEPTED.get(current.kind, []):
        hook(actor=actor, referral=current, at=moment)
    return current


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str, at: datetime | None = None) -> Referral:
    """The receiver declines, saying why (sealed). The case's caseworker is told: the child
    still needs what was asked, from someone else."""
    moment = at or timezone.now()
    reason = _required(reason, "reason", _("Say why the referral is declined."))
    current = _reply(actor, referral, moment, allowed=[ReferralState.SENT, ReferralState.ACKNOWLEDGED])
    current.state, current.declined_at, current.ended_at = ReferralState.DECLINED, moment, moment
    current.decline_reason = _seal(current.case, "decline_reason", reason)
    current.save(update_fields=["state", "declined_at", "ended_at", "decline_reason"])
    _event(current, ReferralEventKind.DECLINED, actor, moment)
    _close_alerts(current, actor=actor, outcome=_("Referral declined."), at=moment)
    case = current.case
    detail = _("%(agency)s declined the referral of %(case)s (%(what)s): find another way") % {
        "agency": current.to_agency.name, "case": case.reference,
        "what": current.get_service_display() if current.service else current.get_kind_display(),
    }  # fmt: skip
    alert_raise(
        kind=AlertKind.SERVICE_REQUESTED, agency=case.owning_agency, case=case,
        user=case.assigned_caseworker, role="" if case.assigned_caseworker_id else Role.SUPERVISOR,
        key=f"referral-declined:{current.pk}:", detail=detail, due_at=moment + timedelta(days=2), at=moment,
    )  # fmt: skip
    return current


@transaction.atomic
def referral_complete(*, actor: User, referral: Referral, at: datetime | None = None) -> Referral:
    """The receiver reports the accepted referral done: its access ends at this moment."""
    moment = at or timezone.now()
    current = _reply(actor, referral, moment, allowed=[ReferralState.ACCEPTED])
    current.state, current.completed_at, current.ended_at = ReferralState.COMPLETED, moment, moment
    current.save(update_fields=["state", "completed_at", "ended_at"])
    _event(current, ReferralEventKind.COMPLETED, actor, moment)
    return current


# --- The sender's side ----------------------------------------------------------------------
@transaction.atomic
def referral_revoke(*, actor: User, referral: Referral, reason: str, at: datetime | None = None) -> Referral:
    """The sending agency's caseworker or supervisor withdraws the referral, at any step while
    it is open, saying why (sealed); the receiver's access ends at this moment and it deletes
    what was shared."""
    moment = at or timezone.now()
    reason = _required(reason, "reason", _("Say why the referral is revoked."))
    current = _locked(referral)
    if not sends_for(actor=actor, agency_id=current.from_agency_id, at=moment):
        raise Http404
    _still_active(current, moment)
    current.state, current.revoked_at, current.ended_at = ReferralState.REVOKED, moment, moment
    current.revoke_reason = _seal(current.case, "revoke_reason", reason)
    current.save(update_fields=["state", "revoked_at", "ended_at", "revoke_reason"])
    _event(current, ReferralEventKind.REVOKED, actor, moment)
    _close_alerts(current, actor=actor, outcome=_("Referral revoked."), at=moment)
    return current


@transaction.atomic
def referral_review(*, actor: User, referral: Referral, note: str = "", at: datetime | None = None) -> Referral:
    """A supervisor of the sending agency reviews an urgent-protection referral (note sealed)."""
    moment = at or timezone.now()
    current = _locked(referral)
    if not sends_for(actor=actor, agency_id=current.from_agency_id, role=Role.SUPERVISOR, at=moment):
        raise Http404
    if current.legal_basis != LegalBasis.URGENT_PROTECTION or current.reviewed_at is not None:
        raise refuse("SHARING_NOT_ALLOWED.NOT_AWAITING_REVIEW")
    current.reviewed_by, current.reviewed_at = actor, moment
    current.review_note = _seal(current.case, "review_note", note)
    current.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    _event(current, ReferralEventKind.REVIEWED, actor, moment)
    _close_alerts(
        current, actor=actor, outcome=_("Urgent referral reviewed."), at=moment, prefixes=("referral-review",)
    )
    return current


# --- Periodic -------------------------------------------------------------------------------
@transaction.atomic
def referrals_expire(*, at: datetime | None = None) -> int:
    """Mark EXPIRED every open referral whose expiry has passed, ended at its expiry (access
    already ended then: `granting_access` reads the times). Returns how many."""
    moment = at or timezone.now()
    expired = 0
    due = Referral.objects.select_for_update().filter(state__in=sorted(OPEN_STATES), expires_at__lte=moment)
    for referral in due.select_related("case").order_by("pk"):
        ended = referral.expires_at or moment  # always set here (the filter)
        Referral.objects.filter(pk=referral.pk).update(state=ReferralState.EXPIRED, ended_at=ended)
        _event(referral, ReferralEventKind.EXPIRED, None, ended)
        _close_alerts(referral, actor=None, outcome=_("Referral expired."), at=moment)
        expired += 1
    return expired


def referrals_overdue_alert(*, at: datetime | None = None) -> int:
    """Tell the sender of each referral with no reply by its deadline (once, keyed). Returns how many."""
    moment = at or timezone.now()
    raised = 0
    for referral in Referral.objects.overdue(moment).select_related("case", "to_agency", "sent_by").order_by("pk"):
        detail = _("%(agency)s has not replied to the referral of %(case)s, due %(due)s") % {
            "agency": referral.to_agency.name, "case": referral.case.reference,
            "due": f"{referral.reply_by:%Y-%m-%d %H:%M}",
        }  # fmt: skip
        alert = alert_raise(
            kind=AlertKind.SERVICE_REQUESTED, agency=referral.from_agency, user=referral.sent_by, case=referral.case,
            key=f"referral-overdue:{referral.pk}:", detail=detail, due_at=referral.reply_by, at=moment,
        )  # fmt: skip
        raised += alert is not None
    return raised
