"""Referrals: asking another agency for a service, a guardian, or to take the case over (R8).

A referral carries the sections it shares, its legal basis and purpose, the urgency and a
reply deadline; the receiving agency acknowledges, accepts or declines with a reason, and
reports completion; the sender's agency can revoke it at any time while it is open.

Access is decided from times, never from `state` (`ReferralQuerySet.granting_access`): a frozen
clock at any moment answers right, and access ends the second a referral is revoked,
completed or expires, before any task has run. The purpose and every reason are the child's
business and sealed with the child's key; choices, dates and references are plain.
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency
from apps.cases.models import Case, Sealed
from apps.cases.sections import Section


class ReferralKind(models.TextChoices):
    SERVICE = "service", _("Service")
    # Ask the guardianship authority for a provisional representative or a guardian.
    GUARDIANSHIP = "guardianship", _("Representative or guardian")
    TRANSFER = "transfer", _("Take over the case")


class ServiceKind(models.TextChoices):
    HEALTH = "health", _("Health care")
    LEGAL_AID = "legal_aid", _("Legal aid")
    EDUCATION = "education", _("Education")
    SHELTER = "shelter", _("Shelter")
    POLICE_PROTECTION = "police_protection", _("Police protection")
    INTERPRETATION = "interpretation", _("Interpretation")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent of the child (and the guardian)")
    LEGAL_DUTY = "legal_duty", _("Legal duty")
    URGENT_PROTECTION = "urgent_protection", _("Urgent protection")
    COURT_ORDER = "court_order", _("Court order")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")


class ReferralState(models.TextChoices):
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


OPEN_STATES = frozenset({ReferralState.SENT, ReferralState.ACKNOWLEDGED, ReferralState.ACCEPTED})
ENDED_STATES = frozenset(
    {ReferralState.DECLINED, ReferralState.COMPLETED, ReferralState.REVOKED, ReferralState.EXPIRED}
)
# Kinds whose receiver reads the shared sections from the moment it is asked: it must see what
# it is asked to take on. A service is read once accepted.
READ_WHEN_SENT = frozenset({ReferralKind.GUARDIANSHIP, ReferralKind.TRANSFER})


def _in(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class ReferralQuerySet(models.QuerySet["Referral"]):
    def _running(self, at: datetime) -> Q:
        """Not ended by `at` and not expired at `at`, from the times alone."""
        return (Q(ended_at__isnull=True) | Q(ended_at__gt=at)) & (Q(expires_at__isnull=True) | Q(expires_at__gt=at))

    def granting_access(self, at: datetime) -> "ReferralQuerySet":
        """The referrals that open their case to the receiving agency at `at` (the shared
        sections only): a service once accepted, a guardianship request or a transfer once
        sent, a transfer until it is accepted; until it ends (declined, completed, revoked) or
        expires."""
        started = Q(kind=ReferralKind.SERVICE, accepted_at__lte=at) | Q(kind__in=READ_WHEN_SENT, sent_at__lte=at)
        # An accepted transfer made the receiver the case's holder: from then on the case's
        # ownership decides, so a case transferred back leaves the first receiver nothing.
        taken_over = Q(kind=ReferralKind.TRANSFER, accepted_at__lte=at)
        return self.filter(started & ~taken_over & self._running(at))

    def open(self, at: datetime) -> "ReferralQuerySet":
        """Sent by `at`, and neither ended nor expired then: still waiting for or under work."""
        return self.filter(Q(sent_at__lte=at) & self._running(at))

    def overdue(self, at: datetime) -> "ReferralQuerySet":
        """Open, past its reply deadline, and the receiver has not replied (acknowledged,
        accepted or declined) yet."""
        return self.open(at).filter(
            reply_by__lt=at, acknowledged_at__isnull=True, accepted_at__isnull=True, declined_at__isnull=True
        )

    def awaiting_review(self) -> "ReferralQuerySet":
        """Sent for urgent protection and not yet reviewed by a supervisor of the sender."""
        return self.filter(legal_basis=LegalBasis.URGENT_PROTECTION, reviewed_at__isnull=True)


class Referral(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(_("kind"), max_length=16, choices=ReferralKind.choices)
    service = models.CharField(_("service"), max_length=32, choices=ServiceKind.choices, blank=True)
    from_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals_sent", verbose_name=_("from")
    )
    to_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals_received", verbose_name=_("to")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    legal_basis = models.CharField(_("legal basis"), max_length=32, choices=LegalBasis.choices)
    # Consent: the child's own, and (for a child who needs a guardian) the active guardian's,
    # recorded as the appointment they acted under, never a box someone else ticks.
    child_consent = models.BooleanField(_("the child's assent or consent recorded"), default=False)
    child_consent_at = models.DateTimeField(_("child consented"), null=True, blank=True)
    guardian_consent = models.ForeignKey(
        "guardianship.GuardianAppointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("guardian who consented"),
    )
    guardian_consent_at = models.DateTimeField(_("guardian consented"), null=True, blank=True)
    # The law or the court order relied on (a citation or a docket number, never the child's details).
    legal_reference = models.CharField(_("legal duty or court order reference"), max_length=200, blank=True)
    purpose = Sealed(_("purpose"))
    sections = ArrayField(models.CharField(max_length=32, choices=Section.choices), verbose_name=_("sections shared"))
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE)
    reply_by = models.DateTimeField(_("reply by"))
    state = models.CharField(_("state"), max_length=16, choices=ReferralState.choices, default=ReferralState.SENT)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    decline_reason = Sealed(_("why declined"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = Sealed(_("why revoked"))
    # Access ends then even if nothing else happened.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # When it left the open states (declined, completed, revoked, expired).
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    urgent_reason = Sealed(_("why urgent protection"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = Sealed(_("review note"))

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at"]
        constraints = [
            _in("state", ReferralState, "referrals_state_known"),
            _in("kind", ReferralKind, "referrals_kind_known"),
            _in("legal_basis", LegalBasis, "referrals_legal_basis_known"),
            _in("urgency", Urgency, "referrals_urgency_known"),
            # A service names which; the other kinds name none.
            models.CheckConstraint(
                condition=Q(kind=ReferralKind.SERVICE, service__in=ServiceKind.values)
                | (~Q(kind=ReferralKind.SERVICE) & Q(service="")),
                name="referrals_service_for_service_kind",
            ),
            models.CheckConstraint(condition=Q(sections__len__gt=0), name="referrals_sections_not_empty"),
            models.CheckConstraint(condition=Q(sections__contained_by=Section.values), name="referrals_sections_known"),
            models.CheckConstraint(condition=~Q(to_agency=models.F("from_agency")), name="referrals_not_to_own_agency"),
            models.CheckConstraint(condition=Q(reply_by__gt=models.F("sent_at")), name="referrals_reply_after_sent"),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("sent_at")),
                name="referrals_expires_after_sent",
            ),
            # Ended states, and only they, have ended_at.
            models.CheckConstraint(
                condition=Q(state__in=sorted(ENDED_STATES), ended_at__isnull=False)
                | Q(state__in=sorted(OPEN_STATES), ended_at__isnull=True),
                name="referrals_ended_has_ended_at",
            ),
            models.CheckConstraint(
                condition=~Q(state=ReferralState.DECLINED) | Q(declined_at__isnull=False, decline_reason__isnull=False),
                name="referrals_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state=ReferralState.REVOKED) | Q(revoked_at__isnull=False, revoke_reason__isnull=False),
                name="referrals_revoke_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[ReferralState.ACCEPTED, ReferralState.COMPLETED])
                | Q(accepted_at__isnull=False),
                name="referrals_accepted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state=ReferralState.COMPLETED) | Q(completed_at__isnull=False),
                name="referrals_completed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(legal_basis=LegalBasis.URGENT_PROTECTION) | Q(urgent_reason__isnull=False),
                name="referrals_urgent_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(legal_basis=LegalBasis.CONSENT) | Q(child_consent=True, child_consent_at__isnull=False),
                name="referrals_consent_has_child",
            ),
            models.CheckConstraint(
                condition=Q(guardian_consent__isnull=True, guardian_consent_at__isnull=True)
                | Q(guardian_consent__isnull=False, guardian_consent_at__isnull=False),
                name="referrals_guardian_consent_has_time",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True, reviewed_by__isnull=True)
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="referrals_review_has_reviewer",
            ),
        ]
        indexes = [
            models.Index(fields=["to_agency", "state"]),
            models.Index(fields=["case", "sent_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_id} -> {self.to_agency_id} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ReferralEventKind(models.TextChoices):
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    REVIEWED = "reviewed", _("Urgent referral reviewed")


class ReferralEvent(models.Model):
    """One step of a referral, who took it and when: append-only (a trigger refuses change)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("what"), max_length=16, choices=ReferralEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("who"),
    )  # fmt: skip
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = Sealed(_("note"))

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["at", "pk"]
        constraints = [_in("kind", ReferralEventKind, "referrals_event_kind_known")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class IncomingReferral(Referral):
    """A referral as its receiving agency's staff see it: what is asked of them, for what purpose,
    by when, and which sections it shares; nothing else of the case."""

    class Meta:
        proxy = True
        verbose_name = _("incoming referral")
        verbose_name_plural = _("incoming referrals")
