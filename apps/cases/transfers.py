"""Transferring the whole case to another agency or jurisdiction, as a referral of kind TRANSFER.

A supervisor of the agency holding the case asks a child-protection agency to take it over
(`case_transfer_request`, through `referral_send`). Until the receiver accepts, it reads what
the referral shares, like any partner. Its acceptance runs `case_transfer_accept` (registered
with the referrals' hooks for accepted transfers): the case's owning agency becomes the
receiver, its team and caseworker are cleared for the receiver's supervisors to assign, and
the old agency's access ends at that moment, because access follows the owning agency.

Guardianship across a border (R1, GUARDIAN_HANDOVER_GAP): acceptance never ends an
appointment. The guardian appointed in the old jurisdiction keeps acting until the new
country's guardianship authority appoints one and hands over with no gap (`guardian_handover`),
so the child is never without one; the receiver's supervisors are told so when the case
crosses a border with a guardian acting.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Agency, AgencyKind, Membership, Role, User
from apps.alerts.models import AlertKind
from apps.alerts.services import alert_raise
from apps.cases.access import Action, require
from apps.cases.models import Case, CaseState
from apps.core.rules import Violations
from apps.guardianship.selectors import active_appointments
from apps.referrals import services as referrals
from apps.referrals.models import LegalBasis, Referral, ReferralKind, ReferralState

# A transfer still under way: asked and not yet accepted, declined, revoked or expired.
PENDING_STATES = (ReferralState.SENT, ReferralState.ACKNOWLEDGED)


def transfer_receivers(*, country: str, jurisdiction: str = "") -> "list[Agency]":
    """The active child-protection agencies of a country (and jurisdiction, when named)."""
    found = Agency.objects.filter(is_active=True, kind=AgencyKind.CHILD_PROTECTION, country=country.strip().upper())
    if jurisdiction.strip():
        found = found.filter(jurisdiction__iexact=jurisdiction.strip())
    return list(found.order_by("name"))


def _refuse_transfer(found: Violations, case: Case, to_agency: Agency | None, place: str) -> None:
    """The transfer's own refusals, every one at once: a closed case, no receiver, the own agency."""
    found.check(case.state != CaseState.CLOSED, "SHARING_NOT_ALLOWED.TRANSFER_CASE_CLOSED")
    if to_agency is None or not to_agency.is_active or to_agency.kind != AgencyKind.CHILD_PROTECTION:
        found.add("SHARING_NOT_ALLOWED.TRANSFER_NO_RECEIVER", place=to_agency.name if to_agency else place)
        return
    found.check(to_agency.pk != case.owning_agency_id, "SHARING_NOT_ALLOWED.OWN_AGENCY", agency=to_agency.name)


@transaction.atomic
def case_transfer_request(
    *,
    actor: User,
    case: Case,
    purpose: str,
    to_agency: Agency | None = None,
    country: str = "",
    jurisdiction: str = "",
    sections: Iterable[str] | None = None,
    legal_basis: str = LegalBasis.LEGAL_DUTY,
    at: datetime | None = None,
) -> Referral:
    """Ask a child-protection agency to take the case over: a referral of kind TRANSFER.

    A supervisor of the agency holding the case asks, naming the receiving agency, or a country
    (and jurisdiction) whose one active child-protection agency receives. Refused, nothing
    written, with SHARING_NOT_ALLOWED refinements: no active child-protection agency there
    (.TRANSFER_NO_RECEIVER), the case's own agency (.OWN_AGENCY), a closed case
    (.TRANSFER_CASE_CLOSED), a transfer already under way (.TRANSFER_ALREADY_ASKED). Until it is
    accepted the receiver reads the sections shared (by default those R8 shares by default).
    """
    require(actor, Action.SUPERVISE, case)
    current = Case.objects.select_for_update().select_related("owning_agency").get(pk=case.pk)
    place = " / ".join(part for part in (country.strip().upper(), jurisdiction.strip()) if part) or _("no agency")
    if to_agency is None and country.strip():
        receivers = transfer_receivers(country=country, jurisdiction=jurisdiction)
        to_agency = receivers[0] if len(receivers) == 1 else None
    found = Violations()
    _refuse_transfer(found, current, to_agency, place)
    pending = (
        Referral.objects.filter(case=current, kind=ReferralKind.TRANSFER, state__in=PENDING_STATES)
        .select_related("to_agency")
        .first()
    )
    if pending is not None:
        found.add("SHARING_NOT_ALLOWED.TRANSFER_ALREADY_ASKED", agency=pending.to_agency.name)
    found.raise_if_any()
    if to_agency is None:  # refused above; for the type checker
        raise ValidationError(_("Name the agency that takes the case over."))
    return referrals.referral_send(
        actor=actor,
        case=current,
        kind=ReferralKind.TRANSFER,
        to_agency=to_agency,
        sections=list(sections) if sections is not None else None,
        legal_basis=legal_basis,
        purpose=purpose,
        at=at,
    )


@transaction.atomic
def case_transfer_accept(*, actor: User, referral: Referral, at: datetime | None = None) -> Case:
    """The receiver accepted a transfer: it now holds the case.

    Run by the referrals when a TRANSFER is accepted, in the same transaction (a refusal here
    undoes the acceptance). Only a supervisor of the receiving agency takes a case over; the
    case must still be open and held by the sender, and the receiver an active child-protection
    agency. The owning agency becomes the receiver; the team and the assigned caseworker are
    cleared for the receiver's supervisors to assign (`case_assign`); from this moment the old
    agency's staff no longer see the case. A guardian appointed in another country goes on
    acting (never a gap): the receiver's supervisors are told to have their guardianship
    authority appoint one and hand over.
    """
    if referral.kind != ReferralKind.TRANSFER:
        return Case.objects.get(pk=referral.case_id)
    moment = at or timezone.now()
    receiver = referral.to_agency
    if not Membership.objects.active(at=moment).filter(user=actor, role=Role.SUPERVISOR, agency=receiver).exists():
        raise PermissionDenied(_("Only a supervisor of the receiving agency takes a case over."))
    case = Case.objects.select_for_update().select_related("owning_agency").get(pk=referral.case_id)
    if case.owning_agency_id != referral.from_agency_id:
        raise PermissionDenied(_("The case is no longer held by the agency that asked for the transfer."))
    found = Violations()
    _refuse_transfer(found, case, receiver, receiver.name)
    found.raise_if_any()
    old_agency = case.owning_agency
    Case.objects.filter(pk=case.pk).update(owning_agency=receiver, team=None, assigned_caseworker=None)
    case.refresh_from_db()
    if receiver.country != old_agency.country:
        acting = active_appointments(at=moment).filter(case=case).select_related("guardian").first()
        if acting is not None:
            alert_raise(
                kind=AlertKind.CROSS_BORDER_NOTICE, agency=receiver, role=Role.SUPERVISOR, case=case,
                key=f"transfer-guardian:{referral.pk}", at=moment,
                detail=_("%(case)s came from %(agency)s (%(country)s): %(guardian)s goes on acting as guardian "
                         "until your guardianship authority appoints one and hands over without a gap.")
                % {"case": case.reference, "agency": old_agency.name, "country": old_agency.country,
                   "guardian": acting.guardian},
            )  # fmt: skip
    return case
