"""Guardians, their appointments to a child's case, and their recorded opinions (R1)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.cases.models import Case, Sealed
from apps.referrals.models import Referral


class GuardianProfile(models.Model):
    """What makes a person eligible to be a guardian: training and a record check in date."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="guardian_profile", primary_key=True
    )
    trained_on = models.DateField(_("guardianship training completed"), null=True, blank=True)
    training = models.CharField(_("training"), max_length=200, blank=True)
    record_checked_on = models.DateField(_("criminal-record check"), null=True, blank=True)
    record_check_valid_until = models.DateField(_("record check valid until"), null=True, blank=True)
    # Matched against the child's languages when the authority proposes a guardian.
    languages = ArrayField(
        models.CharField(max_length=60), verbose_name=_("languages spoken"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("guardian profile")
        verbose_name_plural = _("guardian profiles")

    def __str__(self) -> str:
        return str(self.user)


class AppointmentKind(models.TextChoices):
    PROVISIONAL = "provisional", _("Provisional representative")
    QUALIFIED = "qualified", _("Qualified guardian")


class GuardianAppointment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="guardian_appointments")
    guardian = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments")
    kind = models.CharField(_("kind"), max_length=16, choices=AppointmentKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    # Why it ended and why it was made despite a rule: sealed with the child's key.
    end_reason = Sealed(_("why it ended"))
    over_cap_reason = Sealed(_("why the caseload cap was exceeded"))
    alongside_reason = Sealed(
        _("why two act at once"),
        help_text=_("Only when this child already has one of this kind and no handover is meant."),
    )
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    succeeds = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor",
        verbose_name=_("hands over from"),
    )
    # The request for a guardian (a referral to the guardianship authority) this appointment answers.
    answers = models.ForeignKey(
        Referral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guardian_appointments",
        verbose_name=_("answers the request"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("guardian appointment")
        verbose_name_plural = _("guardian appointments")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                name="guardianship_appointment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(end_reason__isnull=False),
                name="guardianship_appointment_end_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["guardian", "ends_at"]), models.Index(fields=["case", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.case_id}: {self.guardian_id}"


class DecisionKind(models.TextChoices):
    AGE_ASSESSMENT = "age_assessment", _("Age assessment")
    BEST_INTERESTS_ASSESSMENT = "bia", _("Best-interests assessment")
    BEST_INTERESTS_DETERMINATION = "bid", _("Best-interests determination")
    DURABLE_SOLUTION = "durable_solution", _("Durable solution")
    RELEASE_TO_ADULT = "release_to_adult", _("Release to an adult")


class GuardianOpinion(models.Model):
    """The guardian's recorded opinion on one decision; its text is sealed like the case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="guardian_opinions")
    appointment = models.ForeignKey(GuardianAppointment, on_delete=models.PROTECT, related_name="opinions")
    decision = models.CharField(_("decision"), max_length=32, choices=DecisionKind.choices)
    subject = models.CharField(_("which one"), max_length=64, help_text=_("The decision's own id."))
    opinion = Sealed(_("opinion"))
    agrees = models.BooleanField(_("agrees"), null=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "decision", "subject", "appointment"], name="guardianship_opinion_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.subject} ({self.case_id})"


class GuardianRequest(Referral):
    """A request to the guardianship authority for a representative or guardian: a referral of
    kind GUARDIANSHIP, listed on its own for the authority's staff and the case's."""

    class Meta:
        proxy = True
        verbose_name = _("request for a guardian")
        verbose_name_plural = _("requests for a guardian")
