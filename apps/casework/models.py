"""The daily casework around a child: notes, the care plan and case conferences.

Free text that may identify or locate the child or tell sensitive facts is sealed with the
child's own key; choices, dates and booleans are plain. Notes are append-only (a database
trigger refuses any change): a correction is a new note that supersedes the old one.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency
from apps.cases.models import Case, Sealed


class NoteAccess(models.TextChoices):
    ORDINARY = "ordinary", _("Everyone who sees the case")
    TEAM = "team", _("The case's team and the agency's supervisors")
    SUPERVISORS = "supervisors", _("The agency's supervisors only")


# From least to most restricted: a correction may restrict a note further, never open it up.
ACCESS_ORDER = [NoteAccess.ORDINARY, NoteAccess.TEAM, NoteAccess.SUPERVISORS]

NOT_AN_INVESTIGATIVE_ACCOUNT = _(
    "Write what the child needs for protection and what was done. The account of the exploitation, suspects and "
    "evidence belongs with the police (it may be disclosed in court): record their reference on the case instead."
)


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes", verbose_name=_("case"))
    access = models.CharField(_("who may read it"), max_length=16, choices=NoteAccess.choices)
    body = Sealed(_("note"))
    not_investigative = models.BooleanField(
        _("this note is not an investigative account"),
        help_text=NOT_AN_INVESTIGATIVE_ACCOUNT,
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    written_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-written_at", "-pk"]
        indexes = [models.Index(fields=["case", "access", "written_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(access__in=NoteAccess.values), name="casework_note_access_known"),
            models.CheckConstraint(condition=models.Q(not_investigative=True), name="casework_note_not_investigative"),
        ]

    def __str__(self) -> str:
        return _("Note %(id)s (%(case)s)") % {"id": self.pk, "case": self.case.reference}


# --- The care plan ------------------------------------------------------------------------------
class GoalArea(models.TextChoices):
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education and training")
    SAFETY = "safety", _("Safety")
    FAMILY = "family", _("Family and contacts")
    LEGAL = "legal", _("Legal matters")
    DAILY_LIFE = "daily_life", _("Daily life")
    WELLBEING = "wellbeing", _("Emotional well-being")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("No longer pursued")


class Responsible(models.TextChoices):
    """Who does it: a person of Haven, an agency, the child, or the guardian."""

    PERSON = "person", _("A person")
    AGENCY = "agency", _("An agency")
    CHILD = "child", _("The child")
    GUARDIAN = "guardian", _("The guardian")


def _responsible_consistent() -> models.Q:
    """A person names a user; an agency names an agency; the child and the guardian need neither."""
    person = models.Q(responsible=Responsible.PERSON, responsible_person__isnull=False)
    agency = models.Q(responsible=Responsible.AGENCY, responsible_agency__isnull=False)
    others = models.Q(responsible__in=[Responsible.CHILD, Responsible.GUARDIAN])
    return person | agency | others


class CarePlanGoal(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="care_plan_goals", verbose_name=_("case"))
    area = models.CharField(_("area"), max_length=16, choices=GoalArea.choices)
    text = Sealed(_("goal"))
    status = models.CharField(_("status"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("set"), default=timezone.now)

    class Meta:
        verbose_name = _("care plan goal")
        verbose_name_plural = _("care plan goals")
        ordering = ["case", "area", "recorded_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=GoalStatus.values), name="casework_goal_status_known")
        ]

    def __str__(self) -> str:
        return _("%(area)s goal %(id)s (%(case)s)") % {
            "area": self.get_area_display(),
            "id": self.pk,
            "case": self.case.reference,
        }


class CarePlanAction(models.Model):
    """Who does what, by when, and whether it is done."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="care_plan_actions", verbose_name=_("case"))
    goal = models.ForeignKey(
        CarePlanGoal, on_delete=models.PROTECT, null=True, blank=True, related_name="actions", verbose_name=_("goal")
    )
    text = Sealed(_("what is to be done"))
    responsible = models.CharField(_("who does it"), max_length=16, choices=Responsible.choices)
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    responsible_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("agency")
    )
    due_on = models.DateField(_("by"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("care plan action")
        verbose_name_plural = _("care plan actions")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=_responsible_consistent(), name="casework_action_responsible_named"),
            models.CheckConstraint(
                condition=models.Q(done_at__isnull=True) | models.Q(done_by__isnull=False),
                name="casework_action_done_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return _("Action %(id)s (%(case)s), by %(due)s") % {
            "id": self.pk,
            "case": self.case.reference,
            "due": self.due_on,
        }


class CarePlanReview(models.Model):
    """A date by which the care plan is reviewed, and the review once held."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="care_plan_reviews", verbose_name=_("case"))
    due_on = models.DateField(_("review by"))
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = Sealed(_("what the review found"))
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("care plan review")
        verbose_name_plural = _("care plan reviews")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(held_at__isnull=True) | models.Q(held_by__isnull=False),
                name="casework_review_held_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return _("Care plan review of %(case)s by %(due)s") % {"case": self.case.reference, "due": self.due_on}


# --- Case conferences ---------------------------------------------------------------------------
class ConferenceRequest(models.Model):
    """The guardian asks for a case conference; the supervisors are alerted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="conference_requests", verbose_name=_("case"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = Sealed(_("why a conference is needed"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)

    class Meta:
        verbose_name = _("case conference request")
        verbose_name_plural = _("case conference requests")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return _("Conference requested on %(case)s") % {"case": self.case.reference}


class CaseConference(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="conferences", verbose_name=_("case"))
    held_at = models.DateTimeField(_("held"))
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("participants")
    )
    agencies = models.ManyToManyField(Agency, related_name="+", blank=True, verbose_name=_("agencies represented"))
    request = models.OneToOneField(
        ConferenceRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conference",
        verbose_name=_("held at the request of"),
    )
    summary = Sealed(_("summary"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case conference")
        verbose_name_plural = _("case conferences")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return _("Case conference on %(case)s, %(when)s") % {
            "case": self.case.reference,
            "when": f"{timezone.localtime(self.held_at):%Y-%m-%d}",
        }


class OutsideParticipant(models.Model):
    """Someone at the conference who has no account here, with the agency they came for."""

    conference = models.ForeignKey(CaseConference, on_delete=models.PROTECT, related_name="outside_participants")
    name = models.CharField(_("name"), max_length=200)
    agency_name = models.CharField(_("agency"), max_length=200)

    class Meta:
        verbose_name = _("outside participant")
        verbose_name_plural = _("outside participants")

    def __str__(self) -> str:
        return f"{self.name} ({self.agency_name})"


class ConferenceDecision(models.Model):
    """One decision of a conference: what, who carries it out, by when."""

    conference = models.ForeignKey(CaseConference, on_delete=models.PROTECT, related_name="decisions")
    text = Sealed(_("decision"))
    responsible = models.CharField(_("who carries it out"), max_length=16, choices=Responsible.choices)
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responsible_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_on = models.DateField(_("by"))

    class Meta:
        verbose_name = _("conference decision")
        verbose_name_plural = _("conference decisions")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=_responsible_consistent(), name="casework_decision_responsible_named"),
        ]

    def __str__(self) -> str:
        return _("Decision %(id)s, by %(due)s") % {"id": self.pk, "due": self.due_on}
