"""Risk to the child, and the plan that keeps them safe.

A risk assessment sets the case's risk level (through the versioned case path) and says,
from its level, when it must be assessed again. A safety plan is versioned: a new version
supersedes the last, and old versions stay. What they say about traffickers, phones, routes
and people is sealed with the child's own key; levels, factors, flags and dates are plain.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.cases.models import Case, Sealed

RiskLevel = Case.RiskLevel


class RiskFactor(models.TextChoices):
    TRAFFICKER_KNOWS_LOCATION = "trafficker_knows_location", _("The trafficker knows where the child is")
    CONTACT_ATTEMPTS = "contact_attempts", _("Attempts to contact the child")
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage (a debt the child believes they owe)")
    ONLINE_CONTACT = "online_contact", _("Online contact with traffickers or recruiters")
    FAMILY_INVOLVEMENT = "family_involvement", _("Family involved in the trafficking")
    PREVIOUSLY_MISSING = "previously_missing", _("Has gone missing before")
    THREATS = "threats", _("Threats against the child or their family")
    PEERS_STILL_EXPLOITED = "peers_still_exploited", _("Friends or peers still in the exploitation")


class RiskAssessment(models.Model):
    """One assessment of the risk to the child; the latest is current, older ones are superseded."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="risk_assessments")
    level = models.CharField(_("risk level"), max_length=16, choices=RiskLevel.choices)
    factors = ArrayField(
        models.CharField(max_length=40, choices=RiskFactor.choices), verbose_name=_("risk factors"), default=list,
        blank=True,
    )  # fmt: skip
    narrative = Sealed(_("why (narrative)"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessed by")
    )
    assessed_at = models.DateTimeField(_("assessed"))
    # When this assessment's own level asks for the next one. The case's level can rise after
    # it (a missing report raises it to critical); see selectors.reassessment_due_at.
    next_due_at = models.DateTimeField(_("re-assessment due (by its level)"))
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-assessed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__in=RiskLevel.values), name="safety_risk_level_known"),
            models.CheckConstraint(
                condition=models.Q(factors__contained_by=RiskFactor.values), name="safety_risk_factors_known"
            ),
            models.CheckConstraint(
                condition=models.Q(next_due_at__gt=models.F("assessed_at")), name="safety_risk_due_after_assessment"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(superseded_at__isnull=True), name="safety_risk_one_current_per_case"
            ),
        ]
        indexes = [models.Index(fields=["superseded_at", "next_due_at"])]

    def __str__(self) -> str:
        return f"{self.get_level_display()} ({self.assessed_at:%Y-%m-%d})"


class SafetyPlan(models.Model):
    """One version of the child's safety plan. A new version supersedes it; it stays on file."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="safety_plans")
    version = models.PositiveIntegerField(_("version"))
    trafficker_contact = Sealed(_("contact with traffickers: known contacts and measures"))
    phones_and_accounts = Sealed(_("phones and online accounts"))
    number_changed = models.BooleanField(_("phone number changed"), default=False)
    accounts_closed = models.BooleanField(_("online accounts closed"), default=False)
    accounts_watched = models.BooleanField(_("online accounts watched"), default=False)
    safe_routes = Sealed(_("safe routes (school, appointments)"))
    who_to_call = Sealed(_("who to call: trusted people, emergency numbers"))
    review_on = models.DateField(_("review by"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"))
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        verbose_name = _("safety plan")
        verbose_name_plural = _("safety plans")
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="safety_plan_version_once"),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(superseded_at__isnull=True), name="safety_plan_one_current_per_case"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="safety_plan_version_positive"),
        ]

    def __str__(self) -> str:
        return f"Safety plan v{self.version} ({self.case_id})"
