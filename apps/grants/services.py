"""Explicit grants and break-glass: every write, each checking its actor itself.

Explicit grants: a supervisor of the agency holding a case lets one named person (or a
group) read it, and revokes that by deleting the row; the reader sees that case, read-only,
from the moment the row exists until the moment it is gone.

Break-glass (DOMAIN "Who is who"): out of the owning agency's office hours, a caseworker on
duty — anyone holding an active caseworker role, in any agency, since the people on call
at night are not always the case's own — opens a case they cannot see for urgent
protection, stating why. They read the whole case, and act on none of it, for
HAVEN_BREAK_GLASS_HOURS; every read in that time is marked in the read log; the owning
agency's supervisors are alerted at once and review it at the office's next opening.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Membership, Role, User
from apps.alerts.models import Alert, AlertKind, Resolution
from apps.alerts.services import alert_raise, alerts_done
from apps.cases import vault
from apps.cases.access import Action, case_visibility, require
from apps.cases.models import Case
from apps.core.rules import Violations, refuse
from apps.grants.hours import in_office_hours, next_opening
from apps.grants.models import READ_CASE, BreakGlass, CaseGroupObjectPermission, CaseUserObjectPermission
from apps.grants.selectors import break_glass_to_review


def _read_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="cases", codename=READ_CASE)


# --- Explicit grants ------------------------------------------------------------------------
@transaction.atomic
def case_read_grant(*, actor: User, case: Case, user: User, at: datetime | None = None) -> CaseUserObjectPermission:
    """Let `user` read `case` (all of it, read-only) until the grant is revoked. Only a
    supervisor of the agency holding the case grants; granting twice keeps the first grant."""
    require(actor, Action.SUPERVISE, case)
    found: tuple[CaseUserObjectPermission, bool] = CaseUserObjectPermission.objects.get_or_create(
        user=user,
        content_object=case,
        permission=_read_permission(),
        defaults={"granted_by": actor, "granted_at": at or timezone.now()},
    )
    return found[0]


@transaction.atomic
def case_read_grant_to_group(
    *, actor: User, case: Case, group: Group, at: datetime | None = None
) -> CaseGroupObjectPermission:
    """Let the members of `group` read `case`, as `case_read_grant` does for one person."""
    require(actor, Action.SUPERVISE, case)
    found: tuple[CaseGroupObjectPermission, bool] = CaseGroupObjectPermission.objects.get_or_create(
        group=group,
        content_object=case,
        permission=_read_permission(),
        defaults={"granted_by": actor, "granted_at": at or timezone.now()},
    )
    return found[0]


@transaction.atomic
def case_read_revoke(*, actor: User, grant: CaseUserObjectPermission | CaseGroupObjectPermission) -> None:
    """End an explicit grant by deleting its row: the reader loses the case at once."""
    require(actor, Action.SUPERVISE, grant.content_object)
    grant.delete()


# --- Break-glass ----------------------------------------------------------------------------
def _on_duty(actor: User, at: datetime) -> bool:
    return Membership.objects.active(at=at).filter(user=actor, role=Role.CASEWORKER).exists()


def _break_glass_guard(*, actor: User, case: Case, reason: str, at: datetime) -> None:
    """Every reason break-glass is refused, at once; nothing is written before it passes."""
    if case.child.anonymised_at is not None:
        raise refuse("BREAK_GLASS_NOT_ALLOWED", case=case.reference)
    found = Violations()
    found.check(bool(reason.strip()), "BREAK_GLASS_NOT_ALLOWED.EMPTY_REASON")
    agency = case.owning_agency
    found.check(
        not in_office_hours(agency, at),
        "BREAK_GLASS_NOT_ALLOWED.OFFICE_HOURS",
        agency=agency.name,
        opens=f"{agency.office_opens:%H:%M}",
        closes=f"{agency.office_closes:%H:%M}",
        zone=agency.time_zone,
    )
    found.check(_on_duty(actor, at), "BREAK_GLASS_NOT_ALLOWED.NOT_ON_DUTY")
    # Whoever reads the whole case already (its staff, a grant, a break-glass still running) asks nobody.
    visible = Case.objects.filter(case_visibility(actor=actor, at=at), pk=case.pk).exists()
    found.check(not visible, "BREAK_GLASS_NOT_ALLOWED.ALREADY_VISIBLE", case=case.reference)
    found.raise_if_any()


@transaction.atomic
def break_glass_open(*, actor: User, case: Case, reason: str, at: datetime | None = None) -> BreakGlass:
    """Open `case` for `actor` to read, out of the owning agency's hours, for urgent protection.

    Refused (nothing written) with an empty reason, during office hours, for someone not on
    duty, or for a case they already read. Otherwise the reading runs from `at` for
    HAVEN_BREAK_GLASS_HOURS, its reason sealed with the child's key, and the owning agency's
    supervisors are alerted at once, the alert due at the office's next opening.
    """
    moment = at or timezone.now()
    case = Case.objects.select_related("child", "owning_agency").get(pk=case.pk)
    _break_glass_guard(actor=actor, case=case, reason=reason, at=moment)
    key = vault.data_key(case.child)
    opening = BreakGlass(
        case=case,
        opened_by=actor,
        opened_at=moment,
        expires_at=moment + timedelta(hours=settings.HAVEN_BREAK_GLASS_HOURS),
        review_due_at=next_opening(case.owning_agency, moment),
    )
    opening.reason = vault.seal(case.child, key, BreakGlass, "reason", reason.strip())
    opening.save()
    detail = _("%(case)s opened by break-glass by %(person)s, read-only until %(until)s: review it") % {
        "case": case.reference,
        "person": actor,
        "until": timezone.localtime(opening.expires_at, timezone=_zone(case)).strftime("%Y-%m-%d %H:%M"),
    }
    alert_raise(
        kind=AlertKind.URGENT_ACTION_REVIEW, agency=case.owning_agency, role=Role.SUPERVISOR, case=case,
        key=f"break-glass:{opening.pk}", detail=detail, due_at=opening.review_due_at, at=moment,
    )  # fmt: skip
    return opening


def _zone(case: Case) -> ZoneInfo:
    return ZoneInfo(case.owning_agency.time_zone)


@transaction.atomic
def break_glass_review(*, actor: User, opening: BreakGlass, note: str = "", at: datetime | None = None) -> BreakGlass:
    """A supervisor of the agency holding the case reviews a break-glass reading (what was read
    is in the read log, marked), with a note sealed with the child's key; its alerts close."""
    moment = at or timezone.now()
    require(actor, Action.SUPERVISE, opening.case)
    locked = BreakGlass.objects.select_for_update().select_related("case__child").get(pk=opening.pk)
    if locked.reviewed_at is not None:
        raise refuse("BREAK_GLASS_NOT_ALLOWED.ALREADY_REVIEWED", case=locked.case.reference)
    locked.reviewed_by = actor
    locked.reviewed_at = moment
    if note.strip():
        locked.review_note = vault.seal(
            locked.case.child, vault.data_key(locked.case.child), BreakGlass, "review_note", note.strip()
        )
    locked.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    alerts_done(
        Alert.objects.filter(
            kind=AlertKind.URGENT_ACTION_REVIEW, key__in=[f"break-glass:{locked.pk}", f"break-glass-review:{locked.pk}"]
        ),
        actor=actor, outcome=_("Break-glass reading reviewed."), at=moment, resolution=Resolution.DONE,
    )  # fmt: skip
    return locked


def break_glass_reviews_alert(*, at: datetime | None = None) -> int:
    """Periodic: on the next working day, each break-glass reading not reviewed yet reminds the
    owning agency's supervisors (once, keyed). Returns how many reminders were raised."""
    moment = at or timezone.now()
    raised = 0
    for opening in break_glass_to_review(at=moment).select_related("case__owning_agency").order_by("pk"):
        case = opening.case
        detail = _("%(case)s: review the break-glass reading of %(opened)s today") % {
            "case": case.reference,
            "opened": timezone.localtime(opening.opened_at, timezone=_zone(case)).strftime("%Y-%m-%d %H:%M"),
        }
        alert = alert_raise(
            kind=AlertKind.URGENT_ACTION_REVIEW, agency=case.owning_agency, role=Role.SUPERVISOR, case=case,
            key=f"break-glass-review:{opening.pk}", detail=detail, due_at=opening.review_due_at, at=moment,
        )  # fmt: skip
        raised += alert is not None
    return raised
