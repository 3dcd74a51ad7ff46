"""Durable solutions, the release of a child to an adult, reintegration plans, follow-up
visits and transition plans (R4, R9).

A solution is planned by the caseworker, decided by a supervisor once every condition of its
gate holds (apps/solutions/rules.py), then implemented. A return and every move across a
border need a reintegration plan; a return, a release, a reunification and a resettlement are
followed by visits at HAVEN_FOLLOW_UP_MONTHS. Free text that identifies or locates the child
or the people caring for them is sealed with the child's own key.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency
from apps.cases.models import Case, Sealed


class SolutionType(models.TextChoices):
    """The four durable solutions (the same values as `apps.bestinterests.models.SolutionKind`,
    which a determination recommends), and a release to an adult inside the country."""

    LOCAL_INTEGRATION = "local_integration", _("Local integration")
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")
    RESETTLEMENT = "resettlement", _("Resettlement to a third country")
    RETURN = "return", _("Return to the country of origin")
    RELEASE_TO_ADULT = "release_to_adult", _("Release to a relative or other adult in the country")


# Always across a border; a reunification is when the relative lives abroad.
CROSS_BORDER_TYPES = [SolutionType.RETURN, SolutionType.RESETTLEMENT]
# Followed by visits once implemented (R4: "after a return or release").
FOLLOWED_UP_TYPES = [
    SolutionType.RETURN, SolutionType.RESETTLEMENT, SolutionType.FAMILY_REUNIFICATION, SolutionType.RELEASE_TO_ADULT,
]  # fmt: skip
# The child goes to live with a named relative or other adult.
WITH_AN_ADULT_TYPES = [SolutionType.FAMILY_REUNIFICATION, SolutionType.RELEASE_TO_ADULT]


class SolutionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DECIDED = "decided", _("Decided")
    IMPLEMENTED = "implemented", _("Implemented")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ResidenceStatus(models.TextChoices):
    NATIONAL = "national", _("National of the country")
    PERMANENT = "permanent", _("Permanent residence")
    TEMPORARY_PERMIT = "temporary_permit", _("Temporary residence permit")
    VICTIM_PERMIT = "victim_permit", _("Residence permit as a victim of trafficking")
    INTERNATIONAL_PROTECTION = "international_protection", _("International protection")
    APPLIED = "applied", _("Applied for, not yet decided")
    NONE = "none", _("None yet")


class DurableSolution(models.Model):
    """One durable solution (or release to an adult) for a case: planned, decided, implemented."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="durable_solutions")
    kind = models.CharField(_("solution"), max_length=32, choices=SolutionType.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=SolutionStatus.choices, default=SolutionStatus.PLANNED, editable=False
    )
    # Where the child will live: the owning agency's country unless the move crosses a border.
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code of where the child will live."))
    relative = models.ForeignKey(
        "family.Relative",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="durable_solutions",
        verbose_name=_("relative or other adult"),
    )
    residence_status = models.CharField(
        _("residence status"), max_length=32, choices=ResidenceStatus.choices, blank=True
    )
    residence_permit_until = models.DateField(_("residence permit valid until"), null=True, blank=True)
    details = Sealed(_("the plan in the caseworker's words"))
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    planned_at = models.DateTimeField(_("planned"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = Sealed(_("why the supervisor decided it"))
    implemented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    implemented_at = models.DateTimeField(_("implemented"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = Sealed(_("why it was withdrawn"))

    class Meta:
        verbose_name = _("durable solution or release")
        verbose_name_plural = _("durable solutions and releases")
        ordering = ["-planned_at"]
        indexes = [models.Index(fields=["case", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=SolutionType.values), name="solutions_kind_known"),
            models.CheckConstraint(condition=models.Q(country__regex=r"^[A-Z]{2}$"), name="solutions_country_iso"),
            # The status and its record go together, whatever writes the row.
            models.CheckConstraint(
                condition=models.Q(status=SolutionStatus.PLANNED, decided_at__isnull=True, implemented_at__isnull=True)
                | models.Q(status=SolutionStatus.DECIDED, decided_at__isnull=False, implemented_at__isnull=True)
                | models.Q(status=SolutionStatus.IMPLEMENTED, decided_at__isnull=False, implemented_at__isnull=False)
                | models.Q(status=SolutionStatus.WITHDRAWN, withdrawn_at__isnull=False, implemented_at__isnull=True),
                name="solutions_status_recorded",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_at__isnull=True, decided_by__isnull=True)
                | models.Q(decided_at__isnull=False, decided_by__isnull=False),
                name="solutions_decision_whole",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | models.Q(withdrawn_reason__isnull=False),
                name="solutions_withdrawal_has_reason",
            ),
            # The child goes to a named person: the gate verifies that very person.
            models.CheckConstraint(
                condition=~models.Q(kind__in=WITH_AN_ADULT_TYPES) | models.Q(relative__isnull=False),
                name="solutions_adult_named",
            ),
            # One solution in the making at a time: a second one is planned once this is withdrawn.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=[SolutionStatus.PLANNED, SolutionStatus.DECIDED]),
                name="solutions_one_open_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"

    @property
    def guardian_decision(self) -> str:
        """The decision the guardian's opinion and the child's views are recorded on."""
        return "release_to_adult" if self.kind == SolutionType.RELEASE_TO_ADULT else "durable_solution"


class ReintegrationPlan(models.Model):
    """What must be in place before a return or any move across a border (R4)."""

    solution = models.OneToOneField(DurableSolution, on_delete=models.PROTECT, related_name="reintegration_plan")
    receiving_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving agency (in Haven)"),
    )
    receiving_agency_name = models.CharField(
        _("receiving agency (not in Haven)"), max_length=200, blank=True, help_text=_("Its name and town.")
    )
    caregiver = Sealed(_("caregiver"))  # who will care for the child: name, relationship, where
    caregiver_agreed_at = models.DateTimeField(_("the caregiver agreed"), null=True, blank=True)
    caregiver_able = models.BooleanField(_("the caregiver is able to care for the child"), null=True)
    escort = models.CharField(
        _("escort"), max_length=200, blank=True, help_text=_("Who travels with the child: role and organisation.")
    )
    placement_abroad = models.BooleanField(_("a placement in care abroad is planned"), default=False)
    state_consulted_at = models.DateTimeField(_("the receiving state was consulted"), null=True, blank=True)
    state_consultation_reference = models.CharField(_("consultation reference"), max_length=100, blank=True)
    notes = Sealed(_("notes"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("reintegration plan")
        verbose_name_plural = _("reintegration plans")

    def __str__(self) -> str:
        return f"reintegration plan of {self.solution}"

    @property
    def case(self) -> Case:
        return self.solution.case

    @property
    def has_receiving_agency(self) -> bool:
        return self.receiving_agency_id is not None or bool(self.receiving_agency_name.strip())


class ServiceNeed(models.TextChoices):
    HEALTH = "health", _("Health care")
    PSYCHOSOCIAL = "psychosocial", _("Psycho-social support")
    EDUCATION = "education", _("Education")
    VOCATIONAL = "vocational", _("Vocational training")
    LEGAL = "legal", _("Legal assistance")
    ACCOMMODATION = "accommodation", _("Accommodation")
    FAMILY_SUPPORT = "family_support", _("Support to the family")
    OTHER = "other", _("Other")


class ReintegrationService(models.Model):
    """A service the child needs on arrival, and whether it was confirmed available."""

    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.PROTECT, related_name="services")
    need = models.CharField(_("service"), max_length=24, choices=ServiceNeed.choices)
    provider = models.CharField(_("provided by"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed available"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("service on arrival")
        verbose_name_plural = _("services on arrival")
        ordering = ["need", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(need__in=ServiceNeed.values), name="solutions_service_need_known"
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True, confirmed_by__isnull=True)
                | models.Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="solutions_service_confirmation_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.get_need_display()


class VisitOutcome(models.TextChoices):
    SAFE_AND_WELL = "safe_and_well", _("Safe and well")
    CONCERNS = "concerns", _("Concerns to act on")
    NOT_REACHED = "not_reached", _("Could not be reached")


class FollowUpVisit(models.Model):
    """A follow-up visit after a return, release, reunification or resettlement (R4)."""

    solution = models.ForeignKey(DurableSolution, on_delete=models.PROTECT, related_name="follow_ups")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_up_visits")
    months_after = models.PositiveSmallIntegerField(_("months after"))
    due_at = models.DateTimeField(_("due"))
    visited_at = models.DateTimeField(_("visited"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=VisitOutcome.choices, blank=True)
    visited_by = models.CharField(
        _("visited by"), max_length=200, blank=True, help_text=_("Who saw the child: role and organisation.")
    )
    notes = Sealed(_("what was found"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["visited_at", "due_at"])]
        constraints = [
            models.UniqueConstraint(fields=["solution", "months_after"], name="solutions_follow_up_once"),
            # A visit that happened has what it found; an outcome reached nobody is "not reached".
            models.CheckConstraint(
                condition=models.Q(visited_at__isnull=True, outcome="")
                | models.Q(visited_at__isnull=False) & ~models.Q(outcome=""),
                name="solutions_follow_up_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up at {self.months_after} months"

    @property
    def done(self) -> bool:
        return self.visited_at is not None


class TransitionPlan(models.Model):
    """The plan for a young person's move to adulthood (R9), prepared before they come of age."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transition_plans")
    plan = Sealed(_("the plan"))
    prepared_at = models.DateTimeField(_("prepared"))
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("transition plan")
        verbose_name_plural = _("transition plans")
        ordering = ["-prepared_at"]

    def __str__(self) -> str:
        return f"transition plan of {self.prepared_at:%Y-%m-%d}"
