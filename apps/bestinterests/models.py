"""Best interests (R7): assessments (BIA), determinations (BID) and their reviews.

A BIA is the caseworker's early, reviewed assessment of the child's situation. A BID is the
formal decision on a durable solution: made by a panel (at least three people, two
disciplines, each bound by a confidentiality undertaking) and approved by a supervisor who
did not sit on it — or a court's or authority's reasoned decision recorded instead. A
decided determination is never edited, by any path (a database trigger holds it, its
panel, options and undertakings); a change of circumstances opens a review, which produces
a new determination that supersedes the old one. Free text about the child is sealed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.cases.models import Case, Sealed


class SolutionKind(models.TextChoices):
    """The durable solutions a determination weighs and recommends."""

    LOCAL_INTEGRATION = "local_integration", _("Local integration")
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")
    RESETTLEMENT = "resettlement", _("Resettlement to a third country")
    RETURN = "return", _("Return to the country of origin")


# The sections of a BIA, in the order a caseworker writes them. Each is sealed.
BIA_SECTIONS = ("needs", "safety", "family", "health", "education", "child_views")


class BestInterestsAssessment(models.Model):
    """The caseworker's best-interests assessment: drafted, completed, then reviewed by a new
    one (`reviews`) every HAVEN_BIA_REVIEW_DAYS. Completed, it never changes."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="best_interests_assessments")
    reviews = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_by",
        verbose_name=_("reviews the assessment of"),
    )
    needs = Sealed(_("the child's needs"))
    safety = Sealed(_("safety"))
    family = Sealed(_("family"))
    health = Sealed(_("health"))
    education = Sealed(_("education"))
    child_views = Sealed(_("the child's views"))
    started_at = models.DateTimeField(_("started"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_due_at = models.DateTimeField(_("review due"), null=True, blank=True)

    class Meta:
        verbose_name = _("best-interests assessment")
        verbose_name_plural = _("best-interests assessments")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True, completed_by__isnull=True, review_due_at__isnull=True)
                | models.Q(completed_at__isnull=False, completed_by__isnull=False, review_due_at__isnull=False),
                name="bestinterests_bia_completion_whole",
            ),
            # One draft at a time: a second caseworker continues the first one's draft.
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(completed_at__isnull=True), name="bestinterests_bia_one_draft"
            ),
        ]
        indexes = [models.Index(fields=["case", "completed_at"])]

    def __str__(self) -> str:
        state = f"completed {self.completed_at:%Y-%m-%d}" if self.completed_at else "draft"
        return f"BIA {self.pk} ({state})"


class DeterminationKind(models.TextChoices):
    PANEL = "panel", _("Panel determination")
    AUTHORITY = "authority", _("Decision of a court or authority")


class BestInterestsReview(models.Model):
    """A request to review a decided determination after a change of circumstances, by the
    caseworker or the guardian. The new determination that answers it names it (`review`)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="best_interests_reviews")
    determination = models.ForeignKey(
        "BestInterestsDetermination",
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("determination under review"),
    )
    reason = Sealed(_("what changed"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"))

    class Meta:
        verbose_name = _("best-interests determination review")
        verbose_name_plural = _("best-interests determination reviews")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"review of BID {self.determination_id} ({self.requested_at:%Y-%m-%d})"


class BestInterestsDetermination(models.Model):
    """A best-interests determination. Drafted, then decided once everything R7 asks for is on
    file; a panel's is then approved by a supervisor who did not sit on it. Decided, nothing
    of it changes except, once each, its approval and the record that the child was told."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="best_interests_determinations")
    kind = models.CharField(_("made by"), max_length=16, choices=DeterminationKind.choices)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("reviews and supersedes"),
    )
    review = models.OneToOneField(
        BestInterestsReview,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcome",
        verbose_name=_("answers the review"),
    )
    recommendation = models.CharField(_("recommendation"), max_length=32, choices=SolutionKind.choices, blank=True)
    reasons = Sealed(_("reasons"))
    # A court's or authority's decision, recorded instead of a panel's.
    authority_name = models.CharField(_("court or authority"), max_length=200, blank=True)
    authority_reference = models.CharField(_("decision reference"), max_length=100, blank=True)
    authority_decided_on = models.DateField(_("decided by the court or authority on"), null=True, blank=True)
    # The risk assessment the determination rests on, or why none applies.
    risk_assessment = models.ForeignKey(
        "family.RiskSecurityAssessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("risk and security assessment"),
    )
    no_risk_assessment_reason = Sealed(_("why no risk assessment applies"))
    # What the family tracing found, or why it was not done, as cited when deciding.
    tracing_summary = Sealed(_("family tracing"))
    child_objects = models.BooleanField(_("the child objects to the recommendation"), default=False)
    objection_reasons = Sealed(_("why it is still in the child's best interests"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_due_at = models.DateTimeField(_("review due"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    child_told_at = models.DateTimeField(_("the child was told"), null=True, blank=True)
    child_told_how = Sealed(_("how the child was told, and how to seek a review"))
    child_told_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("started"), default=timezone.now)

    class Meta:
        verbose_name = _("best-interests determination")
        verbose_name_plural = _("best-interests determinations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DeterminationKind.values), name="bestinterests_bid_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(recommendation="") | models.Q(recommendation__in=SolutionKind.values),
                name="bestinterests_bid_recommendation_known",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_at__isnull=True, decided_by__isnull=True)
                | models.Q(decided_at__isnull=False, decided_by__isnull=False, review_due_at__isnull=False)
                & ~models.Q(recommendation="")
                & ~models.Q(reasons=None),
                name="bestinterests_bid_decided_whole",
            ),
            # Only a panel's determination is approved, and only once decided.
            models.CheckConstraint(
                condition=models.Q(approved_at__isnull=True, approved_by__isnull=True)
                | models.Q(
                    approved_at__isnull=False, approved_by__isnull=False, decided_at__isnull=False, kind="panel"
                ),
                name="bestinterests_bid_approval_whole",
            ),
            models.CheckConstraint(
                condition=models.Q(child_told_at__isnull=True) | models.Q(decided_at__isnull=False),
                name="bestinterests_bid_told_after_decided",
            ),
            # A child who objects is told why the move is still in their best interests.
            models.CheckConstraint(
                condition=models.Q(decided_at__isnull=True)
                | models.Q(child_objects=False)
                | ~models.Q(objection_reasons=None),
                name="bestinterests_bid_objection_addressed",
            ),
            models.CheckConstraint(
                condition=~models.Q(supersedes=models.F("pk")), name="bestinterests_bid_not_its_own_review"
            ),
            # One draft at a time per case.
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(decided_at__isnull=True), name="bestinterests_bid_one_draft"
            ),
        ]
        indexes = [models.Index(fields=["case", "decided_at"]), models.Index(fields=["review_due_at"])]

    def __str__(self) -> str:
        state = f"decided {self.decided_at:%Y-%m-%d}" if self.decided_at else "draft"
        return f"BID {self.pk} ({state})"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None

    @property
    def needs_approval(self) -> bool:
        return self.kind == DeterminationKind.PANEL


class Discipline(models.TextChoices):
    SOCIAL_WORK = "social_work", _("Social work")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    PSYCHOLOGY = "psychology", _("Psychology")
    HEALTH = "health", _("Health")
    LAW = "law", _("Law")
    EDUCATION = "education", _("Education")
    GUARDIANSHIP = "guardianship", _("Guardianship")
    OTHER = "other", _("Other")


class PanelMember(models.Model):
    """One member of a determination's panel, with their discipline."""

    determination = models.ForeignKey(BestInterestsDetermination, on_delete=models.PROTECT, related_name="panel")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    discipline = models.CharField(_("discipline"), max_length=32, choices=Discipline.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["determination", "member"], name="bestinterests_panel_member_once"),
            models.CheckConstraint(
                condition=models.Q(discipline__in=Discipline.values), name="bestinterests_panel_discipline_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_discipline_display()})"


class ConfidentialityUndertaking(models.Model):
    """A panel member's confidentiality undertaking for one determination: on file before they
    may see it, signed by them or recorded by case staff from a signed paper."""

    determination = models.ForeignKey(BestInterestsDetermination, on_delete=models.PROTECT, related_name="undertakings")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("confidentiality undertaking")
        verbose_name_plural = _("confidentiality undertakings")
        constraints = [
            models.UniqueConstraint(fields=["determination", "member"], name="bestinterests_undertaking_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.signed_at:%Y-%m-%d})"


class OptionWeighed(models.Model):
    """One durable solution the determination weighed, with its reasons for and against."""

    determination = models.ForeignKey(BestInterestsDetermination, on_delete=models.PROTECT, related_name="options")
    solution = models.CharField(_("solution"), max_length=32, choices=SolutionKind.choices)
    reasons_for = Sealed(_("reasons for"))
    reasons_against = Sealed(_("reasons against"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("option weighed")
        verbose_name_plural = _("options weighed")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["determination", "solution"], name="bestinterests_option_once"),
            models.CheckConstraint(
                condition=models.Q(solution__in=SolutionKind.values), name="bestinterests_option_solution_known"
            ),
        ]

    def __str__(self) -> str:
        return self.get_solution_display()
