"""Alerts: something someone must act on, by a time. One model for every kind.

An alert names the agency whose people must act and, within it, a role or one person. Its
plain columns carry the case's reference at most, in sentences the system writes: never a
child's data, since it may reach people (legal aid, a guardian) before they may open the
case. What was done about it is sealed with the child's key, as people write it about them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency, Role
from apps.cases.models import Sealed


class AlertKind(models.TextChoices):
    GUARDIAN_OVERDUE = "GUARDIAN_OVERDUE", _("Representative or guardian overdue")
    CHILD_HELD = "CHILD_HELD", _("Child held in custody or detention")
    HELD_DAILY_REVIEW = "HELD_DAILY_REVIEW", _("Daily review of a held child")
    NON_PUNISHMENT = "NON_PUNISHMENT", _("Charges against the child (non-punishment)")
    CHILD_MISSING = "CHILD_MISSING", _("Child missing from care")
    URGENT_ACTION_REVIEW = "URGENT_ACTION_REVIEW", _("Urgent protective action to review")
    AGE_APPEAL_PERIOD = "AGE_APPEAL_PERIOD", _("Age decision: appeal period")
    LEGAL_AID_NEEDED = "LEGAL_AID_NEEDED", _("Legal aid needed")
    CROSS_BORDER_NOTICE = "CROSS_BORDER_NOTICE", _("Notice to the authorities of another country")
    URGENT_ACTION_GUARDIAN_REVIEW = "URGENT_ACTION_GUARDIAN_REVIEW", _("Urgent action for the guardian to review")
    SERVICE_REQUESTED = "SERVICE_REQUESTED", _("Service requested from the agency")
    COMPLAINT = "COMPLAINT", _("Complaint to handle")
    COMPLAINT_ANSWER_OVERDUE = "COMPLAINT_ANSWER_OVERDUE", _("Complaint not yet answered")
    CARE_PLAN_REVIEW_DUE = "CARE_PLAN_REVIEW_DUE", _("Care plan review due")
    CASE_CONFERENCE_REQUESTED = "CASE_CONFERENCE_REQUESTED", _("Case conference requested")
    RISK_REASSESSMENT_DUE = "RISK_REASSESSMENT_DUE", _("Risk re-assessment overdue")
    REFLECTION_PERIOD_ENDING = "REFLECTION_PERIOD_ENDING", _("Recovery and reflection period ending")
    RESIDENCE_PERMIT_EXPIRING = "RESIDENCE_PERMIT_EXPIRING", _("Residence permit expiring")
    BIA_DUE = "BIA_DUE", _("Best-interests assessment due")
    BIA_REVIEW_DUE = "BIA_REVIEW_DUE", _("Best-interests assessment review due")
    BID_APPROVAL = "BID_APPROVAL", _("Best-interests determination to approve")
    BID_REVIEW_DUE = "BID_REVIEW_DUE", _("Best-interests determination review due")
    BID_REVIEW_REQUESTED = "BID_REVIEW_REQUESTED", _("Best-interests determination review requested")
    SECURITY_ASSESSMENT_EXPIRING = "SECURITY_ASSESSMENT_EXPIRING", _("Risk and security assessment expiring")
    FOLLOW_UP_OVERDUE = "FOLLOW_UP_OVERDUE", _("Follow-up visit overdue")
    TRANSITION_PLAN_DUE = "TRANSITION_PLAN_DUE", _("Transition to adulthood: prepare the plan")
    INTERVIEW_WITHOUT_GUARDIAN = "INTERVIEW_WITHOUT_GUARDIAN", _("Child interviewed without a guardian")
    ROLE_GRANT_TO_APPROVE = "ROLE_GRANT_TO_APPROVE", _("Role that reaches case data awaiting approval")
    ROLE_GRANTED = "ROLE_GRANTED", _("Role granted in the agency")


# Never shown to the case's caseworker unless addressed to her by name: a complaint may name
# her (R8: a complaint never appears on the timeline of the caseworker it names).
NOT_FOR_THE_CASEWORKER = frozenset({AlertKind.COMPLAINT, AlertKind.COMPLAINT_ANSWER_OVERDUE})


class Resolution(models.TextChoices):
    """Why an alert is no longer open."""

    DONE = "done", _("Marked done")
    CONDITION_ENDED = "condition_ended", _("What it was about has ended")
    CASE_CLOSED = "case_closed", _("The case was closed")


# Shown first on the dashboard (DOMAIN R1: overdue guardians come first).
PRIORITY = {AlertKind.GUARDIAN_OVERDUE: 0, AlertKind.CHILD_HELD: 1, AlertKind.CHILD_MISSING: 1}


class Alert(models.Model):
    kind = models.CharField(_("kind"), max_length=40, choices=AlertKind.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="alerts")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("agency"))
    role = models.CharField(_("for the role"), max_length=32, choices=Role.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("for the person"),
    )
    # Raising the same keyed alert twice (a periodic task run twice) creates it once.
    key = models.CharField(max_length=120, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Sealed with the key of the child the alert is about; none for an alert about no child
    # (staff matters), nor once the child is anonymised: `resolution` still says how it ended.
    outcome = Sealed(_("what was done"))
    # Blank while open, and where a service closed it as moot without saying how.
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution.choices, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["due_at", "raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "agency", "role"], condition=~models.Q(key=""), name="alerts_alert_once_per_key"
            ),
            models.CheckConstraint(
                condition=~models.Q(role="") | models.Q(user__isnull=False), name="alerts_alert_has_an_audience"
            ),
            models.CheckConstraint(
                condition=models.Q(resolution="") | models.Q(done_at__isnull=False),
                name="alerts_alert_resolved_is_done",
            ),
        ]
        indexes = [models.Index(fields=["agency", "role", "done_at"]), models.Index(fields=["user", "done_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case_id or '-'})"
