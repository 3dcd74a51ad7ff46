"""Age: documents, claims, external decisions, assessments and appeals (R2).

Whether a person is treated as a child is never stored and never set by hand: it is derived
from these records (`apps.age.selectors.is_treated_as_child`). Every birth date here — on a
document, claimed by the child, found by an assessment or by another authority — is sealed
with the child's data key, like the child's own birth date, and so is every text typed about
the child (reasons, the consent, challenges, what the child was told); plain columns hold only
what identifies no one (kinds, flags, the dates events happened, who did what, authorities' and
professionals' names). Rows are written
only by `apps.age.services`; history rows are append-only in the database itself.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.cases.models import Case, Sealed
from apps.guardianship.models import GuardianAppointment

ISO_COUNTRY = r"^[A-Z]{2}$"


class DocumentKind(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    NATIONAL_IDENTITY_CARD = "national_identity_card", _("National identity card")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    TRAVEL_DOCUMENT = "travel_document", _("Travel document")
    OTHER = "other", _("Other identity document")


class IdentityDocument(models.Model):
    """An identity document showing a birth date; genuine unless shown otherwise.

    Whether the person disputes it and whether it is flagged as possibly false (traffickers
    supply false papers) are events on it (`DocumentEvent`), so both have a history.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="identity_documents")
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    issuing_country = models.CharField(_("issuing country"), max_length=2, help_text=_("ISO 3166 code."))
    birth_date = Sealed(_("birth date shown"))  # ISO date
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(issuing_country__regex=ISO_COUNTRY), name="age_document_country_iso"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=DocumentKind.values), name="age_document_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.get_kind_display()} ({self.issuing_country})"


class DocumentEvent(models.Model):
    """A document flagged as possibly false or shown genuine, disputed or accepted: by whom, why, when."""

    class Kind(models.TextChoices):
        FLAGGED = "flagged", _("Flagged as possibly false")
        FLAG_WITHDRAWN = "flag_withdrawn", _("Shown genuine: flag withdrawn")
        DISPUTED = "disputed", _("The person disputes it")
        DISPUTE_WITHDRAWN = "dispute_withdrawn", _("The person no longer disputes it")

    document = models.ForeignKey(IdentityDocument, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("what"), max_length=24, choices=Kind.choices)
    reason = Sealed(_("why"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("document event")
        verbose_name_plural = _("document events")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(reason__isnull=False), name="age_documentevent_has_reason"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["flagged", "flag_withdrawn", "disputed", "dispute_withdrawn"]),
                name="age_documentevent_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.document_id})"


class AgeClaim(models.Model):
    """The birth date the child gives. A claim alone never ends the presumption."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="age_claims")
    birth_date = Sealed(_("birth date claimed"))  # ISO date
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("age claim")
        verbose_name_plural = _("age claims")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"claim of {self.case_id} ({self.recorded_at:%Y-%m-%d})"


class ExternalAgeDecision(models.Model):
    """An age decision by another authority: always external and challengeable.

    It never ends the presumption of minority by itself; Haven records it, and that it is
    challenged. `found_adult` says whether its youngest age was 18 or more on the day it was
    decided (a fact about the decision, not a birth date).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="external_age_decisions")
    authority = models.CharField(_("authority"), max_length=200)
    authority_country = models.CharField(_("country of the authority"), max_length=2, help_text=_("ISO 3166 code."))
    decided_on = models.DateField(_("decided on"))
    earliest_birth_date = Sealed(_("earliest birth date found"))  # ISO date
    latest_birth_date = Sealed(_("latest birth date found"))  # ISO date
    found_adult = models.BooleanField(_("found an adult"), editable=False)
    challenged_at = models.DateTimeField(_("challenged"), null=True, blank=True)
    challenged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    challenge = Sealed(_("how it is challenged"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("external age decision")
        verbose_name_plural = _("external age decisions")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(authority_country__regex=ISO_COUNTRY), name="age_external_country_iso"
            ),
            models.CheckConstraint(
                condition=models.Q(challenged_at__isnull=True)
                | models.Q(challenged_by__isnull=False, challenge__isnull=False),
                name="age_external_challenge_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority} {self.decided_on} — {self.case_id}"


class Discipline(models.TextChoices):
    SOCIAL_WORK = "social_work", _("Social work")
    PSYCHOLOGY = "psychology", _("Psychology")
    PAEDIATRICS = "paediatrics", _("Paediatrics")
    GENERAL_MEDICINE = "general_medicine", _("General medicine")
    DENTISTRY = "dentistry", _("Dentistry")
    RADIOLOGY = "radiology", _("Radiology")
    EDUCATION = "education", _("Education")
    OTHER = "other", _("Other")


class AssessmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONCLUDED = "concluded", _("Concluded, awaiting approval")
    APPROVED = "approved", _("Conclusion approved")
    STOPPED = "stopped", _("Stopped")


class AssessmentResult(models.TextChoices):
    RANGE = "range", _("A range of ages")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")


class ResultGround(models.TextChoices):
    """What a result rests on. Appearance and demeanour alone settle nothing (R2)."""

    PSYCHOSOCIAL_FINDINGS = "psychosocial_findings", _("Findings of the psycho-social assessment")
    MEDICAL_FINDINGS = "medical_findings", _("Findings of a medical method")
    DOCUMENTS = "documents", _("Documents")
    APPEARANCE = "appearance", _("Physical appearance")
    DEMEANOUR = "demeanour", _("Demeanour")


# Never enough on their own.
APPEARANCE_GROUNDS = frozenset({ResultGround.APPEARANCE, ResultGround.DEMEANOUR})


class AgeAssessment(models.Model):
    """An age assessment: a last resort, overseen by the child's representative or guardian.

    Opened only with its conditions met (the database holds the ones a row can show). The
    result is a range of ages turned into a range of birth dates fixed on the assessment
    date, sealed; the latest possible birth date is the one that counts. A supervisor
    approves the conclusion, which tells the child how to appeal; the appeal period ends at
    a moment fixed on approval. Once approved or stopped, the row never changes.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="age_assessments")
    status = models.CharField(
        _("status"), max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.OPEN
    )
    last_resort_reason = Sealed(_("why documents and interviews could not settle the age"))
    overseen_by = models.ForeignKey(
        GuardianAppointment,
        on_delete=models.PROTECT,
        related_name="age_assessments",
        verbose_name=_("overseen by"),
        help_text=_("The representative's or guardian's appointment when the assessment opened."),
    )
    consent_given = models.BooleanField(_("the child consents"))
    consent_language = Sealed(_("language of the consent"))
    consent_explanation = Sealed(_("what the child was told the assessment involves"))
    consent_told_no_penalty = models.BooleanField(_("the child was told refusing carries no penalty"))
    child_has_disability = models.BooleanField(_("the child has a disability"), default=False)
    disability_adaptation = Sealed(_("how the assessment is adapted to the disability"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"))

    result = models.CharField(_("result"), max_length=16, choices=AssessmentResult.choices, blank=True)
    assessed_on = models.DateField(_("assessment date"), null=True, blank=True)
    earliest_birth_date = Sealed(_("earliest possible birth date"))  # ISO date
    latest_birth_date = Sealed(_("latest possible birth date"))  # ISO date
    grounds = ArrayField(
        models.CharField(max_length=32, choices=ResultGround.choices),
        verbose_name=_("what the result rests on"),
        default=list,
        blank=True,
    )
    result_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result_recorded_at = models.DateTimeField(_("result recorded"), null=True, blank=True)

    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("conclusion approved"), null=True, blank=True)
    appeal_information = Sealed(_("how the child was told to appeal"))
    appeal_period_ends_at = models.DateTimeField(_("appeal period ends"), null=True, blank=True)

    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    stop_reason = Sealed(_("why it stopped"))

    class Meta:
        verbose_name = _("age assessment")
        verbose_name_plural = _("age assessments")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=["open", "concluded"]),
                name="age_assessment_one_in_progress",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    last_resort_reason__isnull=False,
                    consent_given=True,
                    consent_told_no_penalty=True,
                    consent_language__isnull=False,
                    consent_explanation__isnull=False,
                ),
                name="age_assessment_opening_conditions",
            ),
            models.CheckConstraint(
                condition=models.Q(child_has_disability=False) | models.Q(disability_adaptation__isnull=False),
                name="age_assessment_disability_adapted",
            ),
            models.CheckConstraint(
                condition=models.Q(result="")
                | models.Q(result="inconclusive", assessed_on__isnull=True, grounds=[])
                | models.Q(
                    result="range",
                    assessed_on__isnull=False,
                    earliest_birth_date__isnull=False,
                    latest_birth_date__isnull=False,
                ),
                name="age_assessment_result_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", result="", approved_at__isnull=True)
                | models.Q(status="stopped", approved_at__isnull=True)
                | models.Q(status="concluded", result_recorded_at__isnull=False, approved_at__isnull=True)
                | models.Q(
                    status="approved",
                    result_recorded_at__isnull=False,
                    approved_by__isnull=False,
                    approved_at__isnull=False,
                    appeal_period_ends_at__isnull=False,
                    appeal_information__isnull=False,
                ),
                name="age_assessment_status_consistent",
            ),
            models.CheckConstraint(
                condition=models.Q(stopped_at__isnull=True, status__in=["open", "concluded", "approved"])
                | models.Q(stopped_at__isnull=False, status="stopped", stop_reason__isnull=False),
                name="age_assessment_stop_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}: age assessment {self.pk}"


class AssessmentProfessional(models.Model):
    """One of the professionals who carry out the assessment (two disciplines at least)."""

    assessment = models.ForeignKey(AgeAssessment, on_delete=models.PROTECT, related_name="professionals")
    name = models.CharField(_("name"), max_length=200)
    discipline = models.CharField(_("discipline"), max_length=32, choices=Discipline.choices)

    class Meta:
        verbose_name = _("professional")
        verbose_name_plural = _("professionals")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_discipline_display()})"


class MethodKind(models.TextChoices):
    """What Haven's assessments may use. Genital or nude examination is not a method, at all."""

    PSYCHOSOCIAL = "psychosocial", _("Psycho-social assessment")
    DENTAL_EXAMINATION = "dental_examination", _("Dental examination")
    DENTAL_XRAY = "dental_xray", _("Dental X-ray")
    HAND_WRIST_XRAY = "hand_wrist_xray", _("Hand and wrist X-ray")
    CLAVICLE_IMAGING = "clavicle_imaging", _("Collarbone imaging")
    PAEDIATRIC_EXAMINATION = "paediatric_examination", _("Paediatric examination (clothed)")


MEDICAL_METHODS = frozenset(MethodKind.values) - {MethodKind.PSYCHOSOCIAL}


class MethodOutcome(models.TextChoices):
    CONCLUSIVE = "conclusive", _("Conclusive")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")
    REFUSED = "refused", _("The child declined it")


class AssessmentMethod(models.Model):
    """A method used in the assessment, in the order they were used (least intrusive first)."""

    assessment = models.ForeignKey(AgeAssessment, on_delete=models.PROTECT, related_name="methods")
    kind = models.CharField(_("method"), max_length=32, choices=MethodKind.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=MethodOutcome.choices)
    findings = Sealed(_("findings"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("assessment method")
        verbose_name_plural = _("assessment methods")
        ordering = ["recorded_at", "pk"]
        constraints = [
            # The database knows no genital or nude examination either.
            models.CheckConstraint(condition=models.Q(kind__in=MethodKind.values), name="age_method_kind_allowed"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_outcome_display()} ({self.assessment_id})"


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Conclusion upheld")
    OVERTURNED = "overturned", _("Conclusion overturned")


class AgeAppeal(models.Model):
    """An appeal against an approved conclusion; pending until decided. Once decided, never changed."""

    assessment = models.ForeignKey(AgeAssessment, on_delete=models.PROTECT, related_name="appeals")
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lodged_at = models.DateTimeField(_("lodged"))
    grounds = Sealed(_("grounds"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=AppealOutcome.choices, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    decision_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("age appeal")
        verbose_name_plural = _("age appeals")
        ordering = ["lodged_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment"], condition=models.Q(decided_at__isnull=True), name="age_appeal_one_pending"
            ),
            models.CheckConstraint(
                condition=models.Q(decided_at__isnull=True, outcome="", decision_recorded_by__isnull=True)
                | (
                    models.Q(
                        decided_at__isnull=False,
                        outcome__in=["upheld", "overturned"],
                        decision_recorded_by__isnull=False,
                        decided_at__gte=models.F("lodged_at"),
                    )
                    & ~models.Q(decided_by="")
                ),
                name="age_appeal_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Appeal {self.pk} against assessment {self.assessment_id}"


class AdultTreatmentPurpose(models.TextChoices):
    ADULT_SERVICES = "adult_services", _("Referral to services for adults instead of child protection")
    ADULT_ACCOMMODATION = "adult_accommodation", _("Accommodation with adults")
    ADULT_PROCEDURE = "adult_procedure", _("An asylum, immigration or criminal procedure for adults")
    CHILD_PROTECTION_ENDED = "child_protection_ended", _("Child protection ended because the person is an adult")


# An emergency or safety placement is never blocked (the first rule), even where tonight's
# only safe bed is among adults: allowed, recorded with its reason, reviewed afterwards.
URGENT_PURPOSES = frozenset({AdultTreatmentPurpose.ADULT_ACCOMMODATION})


class AdultTreatment(models.Model):
    """Something done that treats the person as an adult; refused while they are presumed a child.

    Names what ended the presumption (a document or an assessment); an urgent protective
    action names none and carries its reason instead.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="adult_treatments")
    purpose = models.CharField(_("what"), max_length=32, choices=AdultTreatmentPurpose.choices)
    reason = Sealed(_("why"))
    urgent = models.BooleanField(_("urgent protective action"), default=False)
    ended_by_document = models.ForeignKey(
        IdentityDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_by_assessment = models.ForeignKey(
        AgeAssessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("treatment as an adult")
        verbose_name_plural = _("treatments as an adult")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(reason__isnull=False), name="age_adulttreatment_has_reason"),
            models.CheckConstraint(
                condition=models.Q(urgent=True, purpose__in=[str(p) for p in URGENT_PURPOSES])
                | models.Q(urgent=False, ended_by_document__isnull=False)
                | models.Q(urgent=False, ended_by_assessment__isnull=False),
                name="age_adulttreatment_has_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} — {self.case_id}"
