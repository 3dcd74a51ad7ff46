"""Support services for the child, and the separate record of cooperation with criminal justice (R5).

Counselling, legal assistance, health care, education, vocational training, interpretation and
accommodation are given whatever the child's cooperation with an investigation or
prosecution, identification status, nationality or migration status. That is held by the
structure, not by reading words: a service row has no field that could carry a condition; the
reasons a provider may decline or a service may end are closed lists with no entry for any of
those grounds (the database holds the lists too); "other" takes effect only with a
supervisor's approval, recorded with who approved and the reason kept (`OtherReasonApproval`),
and until then the service goes on. Cooperation lives in its own table, which no service code
path reads. The wording screen (apps.support.rules) only adds hints for the approving
supervisor and the case's staff to read.

Free text that tells the child's needs or circumstances is sealed with the child's own key.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency
from apps.cases.models import Case, Sealed


class ServiceKind(models.TextChoices):
    COUNSELLING = "counselling", _("Psycho-social counselling")
    LEGAL_ASSISTANCE = "legal_assistance", _("Legal assistance")
    HEALTH_CARE = "health_care", _("Health care")
    EDUCATION = "education", _("Education")
    VOCATIONAL_TRAINING = "vocational_training", _("Vocational training")
    INTERPRETATION = "interpretation", _("Interpretation")
    ACCOMMODATION = "accommodation", _("Accommodation")


class ServiceStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PROVIDED = "provided", _("Being provided")
    ENDED = "ended", _("Ended")
    DECLINED = "declined", _("Declined by the provider")


# A service still owed to the child: the case does not close over it (unless a supervisor waives).
ACTIVE_STATUSES = [ServiceStatus.REQUESTED, ServiceStatus.PROVIDED]


class DeclineReason(models.TextChoices):
    """Why a provider cannot take the child on: reasons of the provider's, never the child's
    cooperation, identification status or nationality (R5)."""

    NO_CAPACITY = "no_capacity", _("No place or capacity now")
    OUTSIDE_AREA = "outside_area", _("Outside the provider's area")
    NOT_OFFERED = "not_offered", _("The provider does not offer this service")
    LANGUAGE_UNAVAILABLE = "language_unavailable", _("No one speaks the child's language")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("Conflict of interest (the provider is linked to the case)")
    SAFETY = "safety", _("The child would not be safe there")
    OTHER = "other", _("Other (say why; a supervisor approves)")


class EndReason(models.TextChoices):
    """Why a service ends: never the child's cooperation, identification status or nationality (R5)."""

    COMPLETED = "completed", _("Completed: its goals were met")
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
    CHILD_CHOSE_TO_STOP = "child_chose_to_stop", _("The child chose to stop, after being told of the service")
    ANOTHER_PROVIDER = "another_provider", _("Continued by another provider")
    CHILD_MOVED = "child_moved", _("The child moved out of the provider's reach")
    # Treats the person as an adult: refused while they are presumed a child (R2, apps/support/adulthood.py).
    ADULT_SERVICES = "adult_services", _("Handed over to services for adults")
    PROVIDER_STOPPED = "provider_stopped", _("The provider could not continue")
    OTHER = "other", _("Other (say why; a supervisor approves)")


_not_started = models.Q(started_at__isnull=True)
_not_ended = models.Q(ended_at__isnull=True)
_not_declined = models.Q(declined_at__isnull=True)
STATUS_FACTS = (
    (models.Q(status=ServiceStatus.REQUESTED) & _not_started & _not_ended & _not_declined)
    | (models.Q(status=ServiceStatus.PROVIDED, started_at__isnull=False) & _not_ended & _not_declined)
    | (models.Q(status=ServiceStatus.ENDED, ended_at__isnull=False, ended_by__isnull=False) & _not_declined
       & ~models.Q(end_reason=""))
    | (models.Q(status=ServiceStatus.DECLINED, declined_at__isnull=False, declined_by__isnull=False) & _not_started
       & _not_ended & ~models.Q(decline_reason=""))
)  # fmt: skip


class SupportService(models.Model):
    """One service for the child: requested, then provided, then ended — or declined by the provider."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="support_services")
    kind = models.CharField(_("service"), max_length=32, choices=ServiceKind.choices)
    provider = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_services",
        verbose_name=_("provider (agency in Haven)"),
    )
    provider_name = models.CharField(
        _("provider outside Haven"), max_length=200, blank=True, help_text=_("When the provider is not an agency here.")
    )
    needs = Sealed(_("what the child needs from it"))
    status = models.CharField(
        _("status"), max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    started_at = models.DateTimeField(_("provided from"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(_("why it ended"), max_length=32, choices=EndReason.choices, blank=True)
    end_note = Sealed(_("about the end"))
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(_("why declined"), max_length=32, choices=DeclineReason.choices, blank=True)
    decline_note = Sealed(_("about the decline"))
    # The supervisor's approval of an "other" end or decline (the reason kept there too).
    other_approval = models.OneToOneField(
        "OtherReasonApproval", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approval of “other”"),
    )  # fmt: skip
    # What the wording screen noticed in the free text (needs, notes): a hint, never a refusal.
    hints = ArrayField(models.CharField(max_length=64), verbose_name=_("wording hints"), default=list, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support service")
        verbose_name_plural = _("support services")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["case", "status"]), models.Index(fields=["provider", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ServiceKind.values), name="support_service_kind_known"),
            models.CheckConstraint(
                condition=models.Q(status__in=ServiceStatus.values), name="support_service_status_known"
            ),
            # One provider: an agency here, or a named provider outside.
            models.CheckConstraint(
                condition=(models.Q(provider__isnull=False) & models.Q(provider_name=""))
                | (models.Q(provider__isnull=True) & ~models.Q(provider_name="")),
                name="support_service_one_provider",
            ),
            # The reasons can only be the listed ones: none of them names cooperation,
            # identification status or nationality, whatever code path writes (R5).
            models.CheckConstraint(
                condition=models.Q(end_reason="") | models.Q(end_reason__in=EndReason.values),
                name="support_service_end_reason_known",
            ),
            models.CheckConstraint(
                condition=models.Q(decline_reason="") | models.Q(decline_reason__in=DeclineReason.values),
                name="support_service_decline_reason_known",
            ),
            # Each status carries exactly the facts that make it.
            models.CheckConstraint(condition=STATUS_FACTS, name="support_service_status_facts"),
            # "Other" only with a supervisor's approval on file (a trigger checks it is approved).
            models.CheckConstraint(
                condition=(~models.Q(end_reason="other") & ~models.Q(decline_reason="other"))
                | models.Q(other_approval__isnull=False),
                name="support_service_other_approved",
            ),
            models.CheckConstraint(
                condition=models.Q(started_at__isnull=True) | models.Q(started_at__gte=models.F("requested_at")),
                name="support_service_starts_after_request",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_at__gte=models.F("requested_at")),
                name="support_service_ends_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def provider_label(self) -> str:
        return self.provider.name if self.provider_id and self.provider else self.provider_name


class OtherStep(models.TextChoices):
    END = "end", _("End of the service")
    DECLINE = "decline", _("Decline by the provider")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a supervisor")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused: the service goes on")


class OtherReasonApproval(models.Model):
    """An end or decline for a reason not on the lists: it takes effect only once a supervisor
    of the agency holding the case approves it (R5). Until then the service goes on; refused,
    it goes on for good. Who asked, who decided, and the reason as given are kept; so are the
    wording screen's hints, for the supervisor to read before deciding."""

    service = models.ForeignKey(SupportService, on_delete=models.PROTECT, related_name="other_reasons")
    step = models.CharField(_("what"), max_length=16, choices=OtherStep.choices)
    text = Sealed(_("the reason given"))
    hints = ArrayField(models.CharField(max_length=64), verbose_name=_("wording hints"), default=list, blank=True)
    effective_at = models.DateTimeField(_("takes effect from"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    requested_at = models.DateTimeField(_("asked"))
    status = models.CharField(
        _("status"), max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = Sealed(_("why refused"))

    class Meta:
        verbose_name = _("approval of an “other” reason")
        verbose_name_plural = _("approvals of “other” reasons")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(step__in=OtherStep.values), name="support_other_step_known"),
            models.UniqueConstraint(
                fields=["service"], condition=models.Q(status="pending"), name="support_other_one_pending"
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | models.Q(status="approved", decided_by__isnull=False, decided_at__gte=models.F("requested_at"))
                | models.Q(
                    status="refused",
                    decided_by__isnull=False,
                    decided_at__gte=models.F("requested_at"),
                    decision_note__isnull=False,
                ),
                name="support_other_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.get_status_display()} ({self.service_id})"

    @property
    def case(self) -> Case:
        """The case whose child the kept reason concerns (its sealed text opens with that child's key)."""
        return self.service.case


class CooperationStatus(models.TextChoices):
    COOPERATING = "cooperating", _("Cooperating")
    DECLINES = "declines", _("Declines to cooperate")
    NOT_ASKED_YET = "not_asked_yet", _("Not asked yet")
    UNABLE = "unable", _("Unable to cooperate (now)")


class CooperationRecord(models.Model):
    """The child's cooperation with a criminal investigation or prosecution, as it stood at a
    time. Its own record, append-only (the latest is the current one), and it gates nothing:
    no service code path reads it (R5)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="cooperation_records")
    status = models.CharField(_("cooperation"), max_length=16, choices=CooperationStatus.choices)
    with_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("with (agency in Haven)"),
    )
    with_name = Sealed(_("with (outside Haven)"))
    as_of = models.DateTimeField(_("as of"))
    note = Sealed(_("note"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cooperation with criminal justice")
        verbose_name_plural = _("cooperation with criminal justice")
        ordering = ["-as_of", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CooperationStatus.values), name="support_cooperation_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.as_of:%Y-%m-%d})"
