"""The child's family: relatives, family tracing, family assessments, and the risk and
security assessments that say whether a move to a country and a family is safe (R4, R7, R8).

A "relative" can be a trafficker: nobody is trusted on their word. Identity and
relationship are verified by someone, on a date, by a stated method; a family assessment
states whether it covers links to the exploitation. Names, whereabouts, contacts and every
finding are sealed with the child's own key; choices, dates, countries and booleans are plain.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency
from apps.cases.models import Case, Sealed
from apps.guardianship.models import GuardianAppointment


def _iso_country(field: str, name: str, *, blank: bool = False) -> models.CheckConstraint:
    condition = models.Q(**{f"{field}__regex": r"^[A-Z]{2}$"})
    if blank:
        condition |= models.Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=name)


# --- Relatives -------------------------------------------------------------------------------
class Relationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    SIBLING = "sibling", _("Sibling")
    GRANDPARENT = "grandparent", _("Grandparent")
    AUNT_OR_UNCLE = "aunt_or_uncle", _("Aunt or uncle")
    COUSIN = "cousin", _("Cousin")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER_ADULT = "other_adult", _("Other adult (not a relative)")


PARENTS = [Relationship.MOTHER, Relationship.FATHER]


class IdentityMethod(models.TextChoices):
    IDENTITY_DOCUMENT = "identity_document", _("Identity document seen")
    CIVIL_REGISTRY = "civil_registry", _("Civil registry check")
    BIOMETRICS = "biometrics", _("Biometrics")
    COUNTERPART_CONFIRMATION = "counterpart_confirmation", _("Confirmed by a counterpart agency")
    OTHER = "other", _("Other (described)")


class RelationshipMethod(models.TextChoices):
    DOCUMENTS = "documents", _("Documents (birth certificate, family record)")
    DNA = "dna", _("DNA test")
    CONSISTENT_ACCOUNTS = "consistent_accounts", _("Consistent independent accounts")
    CIVIL_REGISTRY = "civil_registry", _("Civil registry check")
    TRACING_AGENCY = "tracing_agency", _("Confirmed by the tracing agency")
    OTHER = "other", _("Other (described)")


class Relative(models.Model):
    """A relative of the child, or another adult the child might be released to (R4).

    Verification is recorded, never assumed: `identity_verified_*` and
    `relationship_verified_*` are set only by their services, with who, when and how.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="relatives")
    relationship = models.CharField(_("relationship to the child"), max_length=24, choices=Relationship.choices)
    names = Sealed(_("names"))
    whereabouts = Sealed(_("whereabouts"))
    contact = Sealed(_("contact"))
    country = models.CharField(
        _("lives in (country)"), max_length=2, blank=True, help_text=_("ISO 3166 code; empty when not known.")
    )
    deceased = models.BooleanField(_("deceased"), default=False)
    suspected_link = models.BooleanField(_("suspected link to the exploitation"), default=False)
    suspected_link_note = Sealed(_("why a link is suspected"))

    identity_verified_at = models.DateTimeField(_("identity verified"), null=True, blank=True)
    identity_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("identity verified by"),
    )  # fmt: skip
    identity_method = models.CharField(
        _("identity verified by means of"), max_length=32, choices=IdentityMethod.choices, blank=True
    )
    identity_note = Sealed(_("how the identity was verified"))

    relationship_verified_at = models.DateTimeField(_("relationship verified"), null=True, blank=True)
    relationship_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("relationship verified by"),
    )  # fmt: skip
    relationship_method = models.CharField(
        _("relationship verified by means of"), max_length=32, choices=RelationshipMethod.choices, blank=True
    )
    relationship_note = Sealed(_("how the relationship was verified"))

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("relative or other adult")
        verbose_name_plural = _("relatives and other adults")
        ordering = ["case", "relationship", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(relationship__in=Relationship.values), name="family_relative_relationship_known"
            ),
            _iso_country("country", "family_relative_country_iso", blank=True),
            # A verification is whole: when, by whom and how, or nothing at all.
            models.CheckConstraint(
                condition=models.Q(
                    identity_verified_at__isnull=True, identity_verified_by__isnull=True, identity_method=""
                )
                | (
                    models.Q(identity_verified_at__isnull=False, identity_verified_by__isnull=False)
                    & ~models.Q(identity_method="")
                ),
                name="family_relative_identity_verification_whole",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    relationship_verified_at__isnull=True, relationship_verified_by__isnull=True, relationship_method=""
                )
                | (
                    models.Q(relationship_verified_at__isnull=False, relationship_verified_by__isnull=False)
                    & ~models.Q(relationship_method="")
                ),
                name="family_relative_relationship_verification_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_relationship_display()} ({self.case})"

    @property
    def is_parent(self) -> bool:
        return self.relationship in PARENTS

    @property
    def identity_verified(self) -> bool:
        return self.identity_verified_at is not None

    @property
    def relationship_verified(self) -> bool:
        return self.relationship_verified_at is not None


# --- Family assessments ----------------------------------------------------------------------
class FamilyConclusion(models.TextChoices):
    SUITABLE = "suitable", _("Suitable")
    SUITABLE_WITH_SUPPORT = "suitable_with_support", _("Suitable with support")
    NOT_SUITABLE = "not_suitable", _("Not suitable")


class FamilyAssessment(models.Model):
    """An assessment of one relative's family as a home for the child (R4, R7).

    It states whether it covers links to the exploitation (`covers_exploitation_links`),
    with its findings when it does: a release needs one that does.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="family_assessments")
    relative = models.ForeignKey(Relative, on_delete=models.PROTECT, related_name="assessments")
    situation = Sealed(_("family situation"))
    income_and_housing = Sealed(_("income and housing"))
    school_and_health_access = Sealed(_("access to school and health care"))
    covers_exploitation_links = models.BooleanField(_("covers links to the exploitation"))
    exploitation_links_findings = Sealed(_("findings on links to the exploitation"))
    conclusion = models.CharField(_("conclusion"), max_length=24, choices=FamilyConclusion.choices)
    support_needed = Sealed(_("support the family needs"))
    completed_at = models.DateTimeField(_("completed"))
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("completed by")
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("family assessment")
        verbose_name_plural = _("family assessments")
        ordering = ["-completed_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(conclusion__in=FamilyConclusion.values), name="family_assessment_conclusion_known"
            ),
            models.CheckConstraint(
                condition=models.Q(covers_exploitation_links=False)
                | models.Q(exploitation_links_findings__isnull=False),
                name="family_assessment_links_have_findings",
            ),
        ]
        indexes = [models.Index(fields=["relative", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.get_conclusion_display()} — {self.relative}"


# --- Risk and security assessments -----------------------------------------------------------
# The factors R4 names; each is answered with a sealed finding.
SECURITY_FACTORS: list[tuple[str, Promise]] = [
    ("family_situation", _("Family situation")),
    ("reprisal_risk", _("Risk of reprisals")),
    ("retrafficking_risk", _("Risk of re-trafficking")),
    ("access_to_protection", _("Access to protection")),
    ("health_care", _("Access to health care")),
    ("education", _("Access to education")),
]


class RiskSecurityAssessment(models.Model):
    """A risk and security assessment for a move to a country, and to a family there (R4).

    It counts for a return for HAVEN_SECURITY_ASSESSMENT_VALID_DAYS after completion
    (`expires_at`); callers compare `expires_at` with their own moment. A finding of a real
    risk of serious harm is never "safe" (the database holds this too).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="security_assessments")
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code."))
    relative = models.ForeignKey(
        Relative, on_delete=models.PROTECT, null=True, blank=True, related_name="security_assessments",
        verbose_name=_("family (relative)"),
    )  # fmt: skip
    family_situation = Sealed(_("family situation"))
    reprisal_risk = Sealed(_("risk of reprisals"))
    retrafficking_risk = Sealed(_("risk of re-trafficking"))
    access_to_protection = Sealed(_("access to protection"))
    health_care = Sealed(_("access to health care"))
    education = Sealed(_("access to education"))
    sources = Sealed(_("sources consulted"))
    safe = models.BooleanField(_("concludes the move is safe"))
    serious_harm_found = models.BooleanField(_("real risk of serious harm found"))
    completed_at = models.DateTimeField(_("completed"))
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("completed by")
    )
    expires_at = models.DateTimeField(_("valid until"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("risk and security assessment")
        verbose_name_plural = _("risk and security assessments")
        ordering = ["-completed_at"]
        constraints = [
            _iso_country("country", "family_security_country_iso"),
            models.CheckConstraint(
                condition=~models.Q(safe=True, serious_harm_found=True), name="family_security_harm_is_never_safe"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("completed_at")), name="family_security_expires_after"
            ),
        ]
        indexes = [models.Index(fields=["case", "country", "completed_at"]), models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.country}, {self.completed_at:%Y-%m-%d} ({self.case})"


# --- Family tracing ---------------------------------------------------------------------------
class TracingChannel(models.TextChoices):
    RED_CROSS = "red_cross", _("ICRC / Red Cross and Red Crescent family links")
    COUNTERPART_AGENCY = "counterpart_agency", _("Counterpart agency abroad")
    AUTHORITIES = "authorities", _("Authorities of that country (ministry, embassy, consulate)")
    POLICE = "police", _("Police")
    NGO = "ngo", _("Non-governmental tracing service")
    CASEWORKER = "caseworker", _("The caseworker (own enquiries)")


# Channels that reach a state's authorities: sent to an origin country, R8 applies.
STATE_CHANNELS = [TracingChannel.COUNTERPART_AGENCY, TracingChannel.AUTHORITIES, TracingChannel.POLICE]


class TracingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FOUND = "found", _("Found")
    NOT_FOUND = "not_found", _("Not found")
    CLOSED = "closed", _("Closed")


# Statuses that carry results: tracing done.
WITH_RESULTS = [TracingStatus.FOUND, TracingStatus.NOT_FOUND]


class TracingConsent(models.Model):
    """The guardian's consent to tracing the child's family through the authorities of a
    country — the child's country of origin (R8: "otherwise only with ... the guardian's consent").

    The guardian's word, never a box someone else ticks: recorded by the guardian themself, or
    entered by a caseworker quoting a signed record of the guardian, which names that guardian,
    the document's date and its reference (the database holds this). It speaks for the
    appointment it was given under: once that guardian is handed over or ended, it counts for
    nothing more.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tracing_consents")
    appointment = models.ForeignKey(
        GuardianAppointment, on_delete=models.PROTECT, related_name="+", verbose_name=_("appointment")
    )
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("guardian")
    )
    country = models.CharField(_("tracing in (country)"), max_length=2, help_text=_("ISO 3166 code."))
    words = Sealed(_("the guardian's words"))
    document_date = models.DateField(_("signed on"), null=True, blank=True)
    document_reference = models.CharField(_("reference of the signed record"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("guardian's consent to tracing")
        verbose_name_plural = _("guardian's consents to tracing")
        ordering = ["-recorded_at"]
        constraints = [
            _iso_country("country", "family_consent_country_iso"),
            # The guardian's own record, or a quote of a signed one with its date and reference.
            models.CheckConstraint(
                condition=models.Q(recorded_by=models.F("guardian"))
                | (models.Q(document_date__isnull=False) & ~models.Q(document_reference="")),
                name="family_consent_own_or_quoted",
            ),
        ]
        indexes = [models.Index(fields=["case", "country"])]

    def __str__(self) -> str:
        return f"{self.country}, {self.recorded_at:%Y-%m-%d} ({self.case})"

    @property
    def quoted(self) -> bool:
        return self.recorded_by_id != self.guardian_id


class TracingRequest(models.Model):
    """A request to trace the child's family, through a channel, in a country (R7, R8).

    Who is sought, what is known of them and the results are sealed. A request to the
    authorities of the child's country of origin is refused while protection is claimed or
    contact could endanger the child or family (SHARING_NOT_ALLOWED.COUNTRY_OF_ORIGIN).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tracing_requests")
    relative = models.ForeignKey(
        Relative, on_delete=models.PROTECT, null=True, blank=True, related_name="tracing_requests",
        verbose_name=_("relative sought"),
    )  # fmt: skip
    via = models.CharField(_("via"), max_length=24, choices=TracingChannel.choices)
    counterpart = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("counterpart agency")
    )
    country = models.CharField(_("tracing in (country)"), max_length=2, help_text=_("ISO 3166 code."))
    sought = Sealed(_("who is sought, what is known"))
    child_views = Sealed(_("the child's views on tracing"))
    guardian_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("guardian who consented"),
    )  # fmt: skip
    # The record of that consent (the guardian's own, or a quoted signed record).
    guardian_consent = models.ForeignKey(
        TracingConsent, on_delete=models.PROTECT, null=True, blank=True, related_name="requests",
        verbose_name=_("guardian's consent"),
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=16, choices=TracingStatus.choices, default=TracingStatus.OPEN)
    results = Sealed(_("results"))
    result_at = models.DateTimeField(_("results received"), null=True, blank=True)
    result_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = Sealed(_("why it was closed"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tracing request")
        verbose_name_plural = _("tracing requests")
        ordering = ["-sent_at"]
        constraints = [
            _iso_country("country", "family_tracing_country_iso"),
            models.CheckConstraint(condition=models.Q(via__in=TracingChannel.values), name="family_tracing_via_known"),
            models.CheckConstraint(
                condition=models.Q(status__in=TracingStatus.values), name="family_tracing_status_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(via=TracingChannel.COUNTERPART_AGENCY) | models.Q(counterpart__isnull=False),
                name="family_tracing_counterpart_named",
            ),
            # Found or not found means results came back, with when and by whom.
            models.CheckConstraint(
                condition=~models.Q(status__in=WITH_RESULTS)
                | models.Q(result_at__isnull=False, result_recorded_by__isnull=False),
                name="family_tracing_results_recorded",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=TracingStatus.CLOSED)
                | models.Q(closed_at__isnull=False, closed_by__isnull=False, close_reason__isnull=False),
                name="family_tracing_closed_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self) -> str:
        return f"{self.get_via_display()}, {self.country} ({self.case})"

    @property
    def has_results(self) -> bool:
        return self.result_at is not None


class TracingNotDoneReason(models.TextChoices):
    UNSAFE = "unsafe", _("Tracing would be unsafe for the child or the family")
    CHILD_REFUSES = "child_refuses", _("The child refuses tracing")
    PROTECTION_CLAIM = "protection_claim", _("A protection claim (asylum or international protection)")


class TracingNotDone(models.Model):
    """A recorded reason why the family is not traced (R7), until it is withdrawn.

    "Unsafe" is also the case's record that contact with the country of origin could
    endanger the child or family (R8).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tracing_not_done")
    reason = models.CharField(_("reason"), max_length=24, choices=TracingNotDoneReason.choices)
    explanation = Sealed(_("explanation"))
    decided_at = models.DateTimeField(_("decided"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdraw_reason = Sealed(_("why it was withdrawn"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tracing not done")
        verbose_name_plural = _("tracing not done")
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason__in=TracingNotDoneReason.values), name="family_notdone_reason_known"
            ),
            models.CheckConstraint(condition=models.Q(explanation__isnull=False), name="family_notdone_explained"),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(
                    withdrawn_at__gte=models.F("decided_at"), withdrawn_by__isnull=False, withdraw_reason__isnull=False
                ),
                name="family_notdone_withdrawn_whole",
            ),
            # Each reason stands once per case until withdrawn.
            models.UniqueConstraint(
                fields=["case", "reason"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="family_notdone_reason_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.case})"
