"""Alerts: something someone must act on, by a time. One model for every kind.

An alert names the agency whose people must act and, within it, a role or one person. It
carries the case's reference at most: never a child's data, since it may reach people
(legal aid, a guardian) before they may open the case.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency, Role


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
    outcome = models.TextField(_("what was done"), blank=True)

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
        ]
        indexes = [models.Index(fields=["agency", "role", "done_at"]), models.Index(fields=["user", "done_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case_id or '-'})"
