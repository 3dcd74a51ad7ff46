"""The child's status and rights: identification, the recovery and reflection period, residence
permits, protection claims and non-refoulement findings, criminal proceedings in which the child
is a victim or witness, and compensation.

Nothing here gates a service (R5): identification status, permits and proceedings are facts
to act on for the child, never conditions of support. What a protection claim or finding
says is read by R4 (return) and R8 (sharing) through `apps.rights.selectors.protection_status`.
Free text that identifies the child or tells sensitive facts is sealed with the child's key.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency
from apps.cases import htcds
from apps.cases.models import Case, Sealed


# --- Identification ------------------------------------------------------------------------
class IdentificationChange(models.Model):
    """One change of the child's identification status, reflected on the case. Append-only."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="identification_changes")
    from_status = models.CharField(_("from"), max_length=32, choices=htcds.IdentificationStatus.choices)
    to_status = models.CharField(_("to"), max_length=32, choices=htcds.IdentificationStatus.choices)
    decided_on = models.DateField(_("decided on"))
    authority = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("authority")
    )
    authority_name = models.CharField(
        _("authority (if not in Haven)"), max_length=200, blank=True, help_text=_("The competent authority.")
    )
    authority_reference = models.CharField(_("authority's reference"), max_length=100, blank=True)
    note = Sealed(_("note"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("identification status change")
        verbose_name_plural = _("identification status changes")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            # A formal identification names the competent authority, its reference and the date.
            models.CheckConstraint(
                condition=~models.Q(to_status=htcds.IdentificationStatus.FORMALLY_IDENTIFIED)
                | (
                    (~models.Q(authority_name="") | models.Q(authority__isnull=False))
                    & ~models.Q(authority_reference="")
                ),
                name="rights_identification_formal_names_authority",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()} ({self.case_id})"

    @property
    def authority_label(self) -> str:
        return self.authority_name or (str(self.authority) if self.authority_id else "")


# --- Recovery and reflection period --------------------------------------------------------
class ReflectionPeriodChange(models.Model):
    """The recovery and reflection period as set or extended; the case holds the current one."""

    class Kind(models.TextChoices):
        GRANTED = "granted", _("Granted")
        EXTENDED = "extended", _("Extended")
        ENDED_EARLY = "ended_early", _("Ended early")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reflection_period_changes")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    previous_end = models.DateField(_("previously until"), null=True, blank=True)
    reason = Sealed(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("recovery and reflection period change")
        verbose_name_plural = _("recovery and reflection period changes")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="rights_reflection_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="granted") | models.Q(reason__isnull=False),
                name="rights_reflection_change_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.starts_on} to {self.ends_on} ({self.case_id})"


# --- Residence permits ---------------------------------------------------------------------
class PermitKind(models.TextChoices):
    REFLECTION_PERIOD = "reflection_period", _("Recovery and reflection period permit")
    VICTIM = "victim", _("Residence permit for victims of trafficking")
    INTERNATIONAL_PROTECTION = "international_protection", _("International protection")
    OTHER = "other", _("Other")


class ResidencePermit(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="residence_permits")
    kind = models.CharField(_("kind"), max_length=32, choices=PermitKind.choices)
    number = Sealed(_("permit number"))
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued"))
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    renewal_applied_on = models.DateField(_("renewal applied for"), null=True, blank=True)
    renewed_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renews", verbose_name=_("renewed by")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("residence permit")
        verbose_name_plural = _("residence permits")
        ordering = ["-issued_on", "-pk"]
        indexes = [models.Index(fields=["expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=models.F("issued_on")),
                name="rights_permit_expires_after_issue",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=PermitKind.values), name="rights_permit_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case_id})"


# --- Protection claims and non-refoulement -------------------------------------------------
class ClaimKind(models.TextChoices):
    ASYLUM = "asylum", _("Asylum (refugee status)")
    SUBSIDIARY = "subsidiary", _("International (subsidiary) protection")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    REFUGEE_STATUS_GRANTED = "refugee_status_granted", _("Refugee status granted")
    SUBSIDIARY_PROTECTION_GRANTED = "subsidiary_protection_granted", _("Subsidiary protection granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    APPEAL_PENDING = "appeal_pending", _("Appeal pending")
    CEASED_OR_REVOKED = "ceased_or_revoked", _("Ceased or revoked")


class ProtectionClaim(models.Model):
    """An asylum or international-protection claim; its status is the latest change's."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="protection_claims")
    kind = models.CharField(_("kind"), max_length=16, choices=ClaimKind.choices)
    lodged_on = models.DateField(_("lodged"))
    authority = models.CharField(_("authority"), max_length=200)
    authority_reference = models.CharField(_("authority's reference"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=32, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    status_since = models.DateField(_("status since"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("protection claim")
        verbose_name_plural = _("protection claims")
        ordering = ["-lodged_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ClaimStatus.values), name="rights_claim_status_known"),
            models.CheckConstraint(
                condition=models.Q(status_since__gte=models.F("lodged_on")), name="rights_claim_status_after_lodged"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_status_display()} ({self.case_id})"


class ProtectionClaimStatusChange(models.Model):
    """The claim's history, from its lodging on. Append-only."""

    claim = models.ForeignKey(ProtectionClaim, on_delete=models.PROTECT, related_name="status_changes")
    status = models.CharField(_("status"), max_length=32, choices=ClaimStatus.choices)
    on = models.DateField(_("on"))
    # A refusal is not final while it may still be appealed: until this date the claim counts
    # as pending, so no return is decided in the appeal window.
    appeal_until = models.DateField(_("appeal possible until"), null=True, blank=True)
    note = Sealed(_("note"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("protection claim status change")
        verbose_name_plural = _("protection claim status changes")
        ordering = ["on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ClaimStatus.values), name="rights_claim_change_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(appeal_until__isnull=True) | models.Q(status="refused"),
                name="rights_claim_change_appeal_only_on_refusal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.on} ({self.claim_id})"


class FindingSource(models.TextChoices):
    AUTHORITY = "authority", _("Authority")
    COURT = "court", _("Court")


class NonRefoulementFinding(models.Model):
    """A finding, by an authority or a court, of a real risk of serious harm on return.

    Holds until a later decision sets it aside (recorded with that decision's reference).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="non_refoulement_findings")
    found_on = models.DateField(_("found on"))
    source_kind = models.CharField(_("found by"), max_length=16, choices=FindingSource.choices)
    source = models.CharField(_("authority or court"), max_length=200)
    reference = models.CharField(_("decision reference"), max_length=100, blank=True)
    summary = Sealed(_("summary"))
    set_aside_on = models.DateField(_("set aside on"), null=True, blank=True)
    set_aside_by = models.CharField(_("set aside by the decision"), max_length=200, blank=True)
    set_aside_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("non-refoulement finding")
        verbose_name_plural = _("non-refoulement findings")
        ordering = ["-found_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(set_aside_on__isnull=True)
                | (models.Q(set_aside_on__gte=models.F("found_on")) & ~models.Q(set_aside_by="")),
                name="rights_finding_set_aside_by_a_later_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_kind_display()} {self.found_on} ({self.case_id})"


# --- Criminal proceedings ------------------------------------------------------------------
class ChildRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    VICTIM_AND_WITNESS = "victim_and_witness", _("Victim and witness")


class ProceedingStage(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    PROSECUTION = "prosecution", _("Charges brought")
    TRIAL = "trial", _("Trial")
    APPEAL = "appeal", _("Appeal")
    CONCLUDED = "concluded", _("Concluded")
    DISCONTINUED = "discontinued", _("Discontinued")


class CriminalProceeding(models.Model):
    """Proceedings in which the child is a victim or witness. They gate no service (R5);
    the child's cooperation is recorded by apps.support, not here."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="criminal_proceedings")
    child_role = models.CharField(_("the child is"), max_length=24, choices=ChildRole.choices)
    reference = models.CharField(_("reference"), max_length=100)
    prosecutor = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("prosecutor")
    )
    prosecutor_name = models.CharField(_("prosecutor (if not in Haven)"), max_length=200, blank=True)
    court = models.CharField(_("court"), max_length=200, blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=ProceedingStage.choices)
    stage_since = models.DateField(_("stage since"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("criminal proceeding")
        verbose_name_plural = _("criminal proceedings")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stage__in=ProceedingStage.values), name="rights_stage_known"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_stage_display()})"


class SpecialMeasure(models.TextChoices):
    VIDEO_RECORDED = "video_recorded", _("Video-recorded, to avoid repeating the interview")
    CHILD_FRIENDLY_ROOM = "child_friendly_room", _("Child-friendly room")
    SAME_INTERVIEWER = "same_interviewer", _("The same interviewer throughout")
    SUPPORT_PERSON = "support_person", _("Support person present")
    NO_VISUAL_CONTACT = "no_visual_contact", _("No visual contact with the accused")
    PREFERRED_GENDER = "preferred_gender", _("Interviewer of the gender the child prefers")
    TRAINED_INTERVIEWER = "trained_interviewer", _("Interviewer trained to interview children")
    INTERPRETER = "interpreter", _("Independent interpreter")
    HEARING_IN_PRIVATE = "hearing_in_private", _("Hearing without the public")
    TESTIMONY_BY_VIDEO_LINK = "testimony_by_video_link", _("Testimony by video link")


class InterviewerKind(models.TextChoices):
    POLICE = "police", _("Police")
    IMMIGRATION = "immigration", _("Immigration")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    JUDGE = "judge", _("Judge or court")
    OTHER = "other", _("Other")


# Interviews the guardian must be there for (R1): unless urgent, one arranged is refused until
# a guardian is active; one that already took place without one is recorded and flagged.
GUARDED_INTERVIEWERS = [InterviewerKind.POLICE, InterviewerKind.IMMIGRATION]


class ProceedingInterview(models.Model):
    """One interview of the child; counted, because each repetition harms the child."""

    proceeding = models.ForeignKey(CriminalProceeding, on_delete=models.PROTECT, related_name="interviews")
    held_at = models.DateTimeField(_("held"))
    interviewer_kind = models.CharField(_("by"), max_length=16, choices=InterviewerKind.choices)
    interviewer = models.CharField(_("interviewer"), max_length=200, blank=True)
    place = Sealed(_("where"))
    special_measures = ArrayField(
        models.CharField(max_length=32, choices=SpecialMeasure.choices),
        verbose_name=_("special measures used"),
        default=list,
        blank=True,
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    urgent_reason = Sealed(_("urgent because"))
    # Held by police or immigration with no representative or guardian active (R1): the file
    # tells the truth, so it is recorded, flagged, alerted and reviewed, never refused.
    without_guardian = models.BooleanField(_("held without a guardian"), default=False)
    # An urgent interview, or one held without a guardian, is reviewed afterwards: by a
    # supervisor by this time and by the guardian once one is active (the first rule).
    review_due_at = models.DateTimeField(_("supervisor's review due"), null=True, blank=True)
    supervisor_review = Sealed(_("supervisor's review"))
    supervisor_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supervisor_reviewed_at = models.DateTimeField(_("reviewed by a supervisor"), null=True, blank=True)
    guardian_review = Sealed(_("guardian's review"))
    guardian_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    guardian_reviewed_at = models.DateTimeField(_("reviewed by the guardian"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["-held_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(urgent=False) | models.Q(urgent_reason__isnull=False),
                name="rights_interview_urgent_reason",
            ),
            # Every urgent interview and every one held without a guardian has its review due.
            models.CheckConstraint(
                condition=(models.Q(urgent=False) & models.Q(without_guardian=False))
                | models.Q(review_due_at__isnull=False, review_due_at__gte=models.F("held_at")),
                name="rights_interview_flagged_is_reviewed",
            ),
            models.CheckConstraint(
                condition=models.Q(supervisor_reviewed_at__isnull=True, supervisor_reviewed_by__isnull=True)
                | models.Q(supervisor_reviewed_at__isnull=False, supervisor_reviewed_by__isnull=False),
                name="rights_interview_supervisor_review_whole",
            ),
            models.CheckConstraint(
                condition=models.Q(guardian_reviewed_at__isnull=True, guardian_reviewed_by__isnull=True)
                | models.Q(guardian_reviewed_at__isnull=False, guardian_reviewed_by__isnull=False),
                name="rights_interview_guardian_review_whole",
            ),
        ]
        indexes = [models.Index(fields=["review_due_at", "supervisor_reviewed_at"])]

    def __str__(self) -> str:
        return f"{self.get_interviewer_kind_display()} {self.held_at:%Y-%m-%d} ({self.proceeding_id})"


class MeasureDecision(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class SpecialMeasureRequest(models.Model):
    proceeding = models.ForeignKey(CriminalProceeding, on_delete=models.PROTECT, related_name="measure_requests")
    measure = models.CharField(_("measure"), max_length=32, choices=SpecialMeasure.choices)
    requested_on = models.DateField(_("requested"))
    decision = models.CharField(
        _("decision"), max_length=16, choices=MeasureDecision.choices, default=MeasureDecision.REQUESTED
    )
    decided_on = models.DateField(_("decided"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("special measure requested")
        verbose_name_plural = _("special measures requested")
        ordering = ["requested_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proceeding", "measure"], name="rights_measure_requested_once"),
            models.CheckConstraint(
                condition=models.Q(decision="requested", decided_on__isnull=True)
                | (~models.Q(decision="requested") & models.Q(decided_on__gte=models.F("requested_on"))),
                name="rights_measure_decided_with_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()}: {self.get_decision_display()}"


class RepresentativeKind(models.TextChoices):
    LAWYER = "lawyer", _("Lawyer")
    GUARDIAN_AD_LITEM = "guardian_ad_litem", _("Guardian ad litem")


class ProceedingRepresentative(models.Model):
    """The child's own representative in the proceedings (a lawyer or a guardian ad litem)."""

    proceeding = models.ForeignKey(CriminalProceeding, on_delete=models.PROTECT, related_name="representatives")
    kind = models.CharField(_("kind"), max_length=24, choices=RepresentativeKind.choices)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )
    legal_aid = models.BooleanField(_("free legal aid"), default=False)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("representative in proceedings")
        verbose_name_plural = _("representatives in proceedings")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="rights_representative_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


# --- Compensation --------------------------------------------------------------------------
class CompensationRespondent(models.TextChoices):
    TRAFFICKER = "trafficker", _("The trafficker")
    STATE_FUND = "state_fund", _("A state compensation fund")
    EMPLOYER = "employer", _("An employer")
    OTHER = "other", _("Other")


class CompensationStatus(models.TextChoices):
    PREPARING = "preparing", _("Being prepared")
    FILED = "filed", _("Filed")
    AWARDED = "awarded", _("Awarded")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CompensationClaim(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="compensation_claims")
    against = models.CharField(_("against"), max_length=16, choices=CompensationRespondent.choices)
    # Who exactly (a trafficker's or employer's name) is a suspect's detail: sealed.
    respondent = Sealed(_("respondent"))
    proceeding = models.ForeignKey(
        CriminalProceeding,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compensation_claims",
        verbose_name=_("in the proceedings"),
    )
    amount = models.DecimalField(_("amount claimed"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217 code."))
    amount_awarded = models.DecimalField(_("amount awarded"), max_digits=12, decimal_places=2, null=True, blank=True)
    legal_aid = models.BooleanField(_("free legal aid"), default=False)
    legal_aid_provider = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("legal aid by")
    )
    status = models.CharField(_("status"), max_length=16, choices=CompensationStatus.choices)
    status_since = models.DateField(_("status since"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("compensation claim")
        verbose_name_plural = _("compensation claims")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(amount__isnull=True) & models.Q(amount_awarded__isnull=True))
                | models.Q(currency__regex=r"^[A-Z]{3}$"),
                name="rights_compensation_amount_has_currency",
            ),
            models.CheckConstraint(
                condition=(models.Q(amount__isnull=True) | models.Q(amount__gte=0))
                & (models.Q(amount_awarded__isnull=True) | models.Q(amount_awarded__gte=0)),
                name="rights_compensation_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_against_display()}: {self.get_status_display()} ({self.case_id})"
