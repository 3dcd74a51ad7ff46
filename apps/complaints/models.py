"""Complaints by a child, or by their guardian for them (DOMAIN "Who is who", R8).

A complaint is lodged in the child's own words (recorded on their behalf) or by the active
guardian for their ward. It may name staff members — anyone it is about — or the agency or
a service. It goes to a reviewer who is not named in it, is tracked (lodged → under review
→ answered) until an answer is given to the child, and is never seen by anyone it names:
not in a list, a page, an alert or the case timeline (R8's last line). Its text and its
answer are sealed with the child's key.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.cases.models import Case, Sealed


class ComplaintStatus(models.TextChoices):
    LODGED = "lodged", _("Lodged")
    UNDER_REVIEW = "under_review", _("Under review")
    ANSWERED = "answered", _("Answered")


class LodgedBy(models.TextChoices):
    CHILD = "child", _("The child (recorded on their behalf, in their words)")
    GUARDIAN = "guardian", _("The guardian, for their ward")


class ComplaintAbout(models.TextChoices):
    STAFF = "staff", _("Named staff members")
    AGENCY = "agency", _("The agency or a service")


class ReviewerBasis(models.TextChoices):
    """Why this person reviews the complaint."""

    SUPERVISOR = "supervisor", _("A supervisor of the agency, not named in the complaint")
    # When every supervisor of the agency is named, the agency's administrator — who runs
    # its people and sees no case data by that role — takes the complaint (and only it).
    AGENCY_ADMIN = "agency_admin", _("The agency's administrator: every supervisor is named")


class AnswerChannel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    IN_WRITING = "in_writing", _("In writing")
    THROUGH_GUARDIAN = "through_guardian", _("Through the guardian")
    BY_PHONE = "by_phone", _("By phone or video call")


class Complaint(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("case"))
    lodged_by = models.CharField(_("lodged by"), max_length=16, choices=LodgedBy.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    lodged_at = models.DateTimeField(_("lodged"))
    about = models.CharField(_("about"), max_length=16, choices=ComplaintAbout.choices)
    text = Sealed(_("the complaint, in the child's or guardian's words"))
    status = models.CharField(_("status"), max_length=16, choices=ComplaintStatus.choices, default="lodged")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewer_basis = models.CharField(_("reviewer because"), max_length=16, choices=ReviewerBasis.choices, blank=True)
    answer_due_at = models.DateTimeField(_("answer due"))
    review_started_at = models.DateTimeField(_("review started"), null=True, blank=True)
    answer = Sealed(_("the answer given to the child"))
    answered_at = models.DateTimeField(_("answer given"), null=True, blank=True)
    answer_channel = models.CharField(_("how it was given"), max_length=24, choices=AnswerChannel.choices, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answer given by"),
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-lodged_at"]
        indexes = [models.Index(fields=["case", "status"]), models.Index(fields=["status", "answer_due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ComplaintStatus.values), name="complaints_complaint_status_known"
            ),
            # Answered means an answer was given to the child: when, how and by whom.
            models.CheckConstraint(
                condition=~models.Q(status=ComplaintStatus.ANSWERED)
                | models.Q(answered_at__isnull=False, answered_by__isnull=False, answer__isnull=False)
                & ~models.Q(answer_channel=""),
                name="complaints_complaint_answer_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewer__isnull=True) | ~models.Q(reviewer_basis=""),
                name="complaints_complaint_reviewer_has_basis",
            ),
        ]

    def __str__(self) -> str:
        return _("Complaint %(id)s (%(case)s)") % {"id": self.pk, "case": self.case.reference}


class ComplaintNamedPerson(models.Model):
    """A staff member the complaint is about: they never see it, anywhere."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="named")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("person named")
        verbose_name_plural = _("people named")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "person"], name="complaints_named_person_once"),
        ]
        indexes = [models.Index(fields=["person", "complaint"])]

    def __str__(self) -> str:
        return f"{self.person_id} named in {self.complaint_id}"
