"""The child, the case, its workflow history and its documents.

Identifying and sensitive values live only in `Sealed` columns: ciphertext under the
child's own data key (apps/cases/vault.py). Plain columns hold what search, rules and
statistics need and what identifies no one by itself.
"""

import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from apps.accounts.models import Agency, Team
from apps.cases import htcds


class Sealed(models.BinaryField):  # type: ignore[type-arg]
    """Ciphertext of one value, sealed with the child's data key; None when empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


class Child(models.Model):
    """A person record. Names, birth date and contacts are sealed; see vault.py."""

    class BirthDateBasis(models.TextChoices):
        DOCUMENTED = "documented", _("Documented")
        CLAIMED = "claimed", _("Claimed by the child")
        ESTIMATED = "estimated", _("Estimated")
        UNKNOWN = "unknown", _("Unknown")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    sex = models.CharField(_("sex"), max_length=16, choices=htcds.Sex.choices, default=htcds.Sex.UNKNOWN)
    birth_date_basis = models.CharField(
        _("birth date is"), max_length=16, choices=BirthDateBasis.choices, default=BirthDateBasis.UNKNOWN
    )
    nationalities = ArrayField(
        models.CharField(max_length=2),
        verbose_name=_("nationalities"),
        default=list,
        blank=True,
        help_text=_("ISO 3166 codes."),
    )
    stateless = models.BooleanField(_("stateless"), default=False)
    languages = ArrayField(
        models.CharField(max_length=60), verbose_name=_("languages and dialects"), default=list, blank=True
    )
    country_of_origin = models.CharField(_("country of origin"), max_length=2, blank=True)
    unaccompanied = models.BooleanField(_("unaccompanied"), default=False)
    separated = models.BooleanField(_("separated"), default=False)
    parents_implicated = models.BooleanField(_("parents implicated in the trafficking"), default=False)
    parents_conflict_of_interest = models.BooleanField(_("parents in conflict of interest"), default=False)

    names = Sealed(_("names"))  # {"given": ..., "family": ...}
    aliases = Sealed(_("aliases"))  # [str, ...]
    birth_date = Sealed(_("date of birth"))  # ISO date
    gender_identity = Sealed(_("gender identity"))  # HTCDS prs_Gender value
    contacts = Sealed(_("contacts"))  # free text: phones, people to reach
    address = Sealed(_("address"))
    disabilities = Sealed(_("disabilities and support needs"))
    family_situation = Sealed(_("family and contacts"))

    version = models.BigIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(country_of_origin="") | models.Q(country_of_origin__regex=r"^[A-Z]{2}$"),
                name="cases_child_country_iso",
            ),
        ]

    def __str__(self) -> str:
        return f"Child {str(self.public_id)[:8]}"


class ChildKey(models.Model):
    """The child's data key, wrapped by a master key. Destroying it anonymises the child."""

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="key", primary_key=True)
    master_key_id = models.CharField(max_length=32)
    wrapped = models.BinaryField(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wrapped__isnull=True, destroyed_at__isnull=False)
                | models.Q(wrapped__isnull=False, destroyed_at__isnull=True),
                name="cases_childkey_wrapped_xor_destroyed",
            )
        ]

    def __str__(self) -> str:
        return f"key of {self.child_id} ({'destroyed' if self.destroyed_at else self.master_key_id})"


class CaseState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    PROTECTION = "protection", _("Protection")
    ASSESSMENT = "assessment", _("Assessment")
    SUPPORT = "support", _("Support")
    DURABLE_SOLUTION = "durable_solution", _("Durable solution")
    IMPLEMENTATION = "implementation", _("Implementation")
    FOLLOW_UP = "follow_up", _("Follow-up")
    AFTERCARE = "aftercare", _("Aftercare")
    CLOSED = "closed", _("Closed")


S = CaseState

# HTCDS cas_Status for each state: one tested table.
STATE_HTCDS_STATUS: dict[str, str] = {
    S.REGISTERED: "Active",
    S.PROTECTION: "Active",
    S.ASSESSMENT: "Active",
    S.SUPPORT: "Active",
    S.DURABLE_SOLUTION: "Active",
    S.IMPLEMENTATION: "Active",
    S.FOLLOW_UP: "FollowUp",
    S.AFTERCARE: "FollowUp",
    S.CLOSED: "Closed",
}


class Case(FSMModelMixin, models.Model):
    """A child's case in one owning agency. Its state moves only through transitions."""

    class RiskLevel(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class IdentificationMethod(models.TextChoices):
        SELF_REFERRAL = "self_referral", _("The child asked for help")
        POLICE = "police", _("Police operation or patrol")
        LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
        BORDER = "border", _("Border or immigration control")
        OUTREACH = "outreach", _("Outreach by a service provider")
        HEALTH = "health", _("Health service")
        SCHOOL = "school", _("School")
        HOTLINE = "hotline", _("Hotline")
        FAMILY_OR_COMMUNITY = "family_or_community", _("Family or community")
        ONLINE = "online", _("Online detection")
        OTHER = "other", _("Other")

    class Scope(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        TRANSNATIONAL = "transnational", _("Transnational")
        UNKNOWN = "unknown", _("Not known yet")

    class TechnologyUse(models.TextChoices):
        RECRUITMENT = "recruitment", _("Recruitment")
        CONTROL = "control", _("Control")
        ONLINE_EXPLOITATION = "online_exploitation", _("Online exploitation")
        NONE = "none", _("None")
        NOT_KNOWN = "not_known", _("Not known")

    reference = models.CharField(_("reference"), max_length=32, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases", verbose_name=_("child"))
    owning_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="cases", verbose_name=_("owning agency")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("team")
    )
    assigned_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned caseworker"),
    )
    identified_at = models.DateTimeField(_("identified"))
    identification_method = models.CharField(
        _("how the child was identified"), max_length=32, choices=IdentificationMethod.choices
    )
    identification_status = models.CharField(
        _("identification status"),
        max_length=32,
        choices=htcds.IdentificationStatus.choices,
        default=htcds.IdentificationStatus.PRESUMED,
    )
    reflection_period_start = models.DateField(_("recovery and reflection period from"), null=True, blank=True)
    reflection_period_end = models.DateField(_("recovery and reflection period until"), null=True, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=16, choices=RiskLevel.choices, default=RiskLevel.HIGH)
    exploitation_forms = ArrayField(
        models.CharField(max_length=48, choices=htcds.ExploitationForm.choices),
        verbose_name=_("forms of exploitation"),
        default=list,
        blank=True,
    )
    control_methods = ArrayField(
        models.CharField(max_length=48, choices=htcds.ControlMethod.choices),
        verbose_name=_("methods of control"),
        default=list,
        blank=True,
    )
    recruitment_methods = ArrayField(
        models.CharField(max_length=48, choices=htcds.RecruitmentMethod.choices),
        verbose_name=_("methods of recruitment"),
        default=list,
        blank=True,
    )
    relationship_to_trafficker = models.CharField(
        _("relationship to trafficker"),
        max_length=24,
        choices=htcds.RelationshipToTrafficker.choices,
        default=htcds.RelationshipToTrafficker.NOT_KNOWN,
    )
    technology_uses = ArrayField(
        models.CharField(max_length=32, choices=TechnologyUse.choices),
        verbose_name=_("how technology was used"),
        default=list,
        blank=True,
    )
    scope = models.CharField(
        _("internal or transnational"), max_length=16, choices=Scope.choices, default=Scope.UNKNOWN
    )
    police_evidence_reference = models.CharField(
        _("police evidence reference"),
        max_length=100,
        blank=True,
        help_text=_("Images of abuse are never uploaded: record the police's evidence reference instead."),
    )

    protection_needs = Sealed(_("what the child needs for protection"))
    exploitation_narrative = Sealed(_("exploitation narrative"))
    suspects = Sealed(_("suspects' details"))
    health_notes = Sealed(_("health"))

    state = FSMField(_("state"), max_length=32, choices=CaseState.choices, default=S.REGISTERED, protected=True)
    version = models.BigIntegerField(_("version"), default=1, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owning_agency", "state"]), models.Index(fields=["assigned_caseworker"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reflection_period_end__isnull=True)
                | models.Q(
                    reflection_period_start__isnull=False,
                    reflection_period_end__gte=models.F("reflection_period_start"),
                ),
                name="cases_case_reflection_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def htcds_status(self) -> str:
        return STATE_HTCDS_STATUS[self.state]

    # The workflow. Guards that need more than the case's own row live in rules.py and
    # are checked by the services before these run; the database holds the same moves
    # (migration 0002, generated by apps.cases.workflow).
    @transition(field=state, source=S.REGISTERED, target=S.PROTECTION)
    def start_protection(self) -> None: ...

    @transition(field=state, source=S.PROTECTION, target=S.ASSESSMENT)
    def start_assessment(self) -> None: ...

    @transition(field=state, source=S.ASSESSMENT, target=S.SUPPORT)
    def start_support(self) -> None: ...

    @transition(field=state, source=S.SUPPORT, target=S.DURABLE_SOLUTION)
    def seek_durable_solution(self) -> None: ...

    @transition(field=state, source=[S.DURABLE_SOLUTION, S.IMPLEMENTATION], target=S.SUPPORT)
    def return_to_support(self) -> None: ...

    @transition(field=state, source=S.DURABLE_SOLUTION, target=S.IMPLEMENTATION)
    def implement_solution(self) -> None: ...

    @transition(field=state, source=S.IMPLEMENTATION, target=S.FOLLOW_UP)
    def start_follow_up(self) -> None: ...

    @transition(field=state, source=[S.FOLLOW_UP, S.SUPPORT], target=S.AFTERCARE)
    def move_to_aftercare(self) -> None: ...

    @transition(field=state, source=[S.FOLLOW_UP, S.AFTERCARE], target=S.CLOSED)
    def close(self) -> None: ...

    @transition(field=state, source=S.CLOSED, target=S.ASSESSMENT)
    def reopen(self) -> None: ...


class CaseTransition(models.Model):
    """Who moved a case, from where to where, when and why. Append-only."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions")
    name = models.CharField(max_length=48)
    from_state = models.CharField(max_length=32, choices=CaseState.choices)
    to_state = models.CharField(max_length=32, choices=CaseState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = Sealed(_("reason"))
    # A supervisor's recorded reason for moving although a waivable criterion was unmet.
    waiver_reason = Sealed(_("supervisor's reason to waive a criterion"))
    # The writing transaction, set by the database (migration 0004): a case's state may
    # change only in a transaction that also writes the matching transition row.
    xact = models.BigIntegerField(null=True, editable=False)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_state} → {self.to_state}"


class Document(models.Model):
    """A file attached to a case, stored sealed with the child's key; never an image of abuse."""

    class Kind(models.TextChoices):
        IDENTITY_DOCUMENT = "identity_document", _("Identity document")
        BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
        FAMILY_DOCUMENT = "family_document", _("Family document")
        MEDICAL_REPORT = "medical_report", _("Medical report")
        LEGAL_DOCUMENT = "legal_document", _("Legal document")
        SOCIAL_REPORT = "social_report", _("Social report")
        PLACEMENT_DOCUMENT = "placement_document", _("Placement document")
        CONSENT_FORM = "consent_form", _("Consent form")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    filename = Sealed(_("file name"))
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    storage_name = models.CharField(max_length=64, unique=True, editable=False)
    no_abuse_images = models.BooleanField(
        _("contains no image of abuse"), help_text=_("Required: images of abuse are never uploaded.")
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(no_abuse_images=True), name="cases_document_no_abuse_images")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case_id})"


class PossibleDuplicateNotice(models.Model):
    """Told to another agency's supervisors: a child they hold may match a new registration."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="duplicate_notices")
    existing_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    new_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    score = models.FloatField()
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["existing_case", "new_case"], name="cases_duplicate_notice_once")
        ]

    def __str__(self) -> str:
        return f"possible match {self.existing_case_id} ~ {self.new_case_id}"


class ChildSearchToken(models.Model):
    """Keyed hashes of a child's name tokens, phonetic codes and birth-year buckets."""

    class Kind(models.TextChoices):
        NAME = "name", _("name token")
        PHONETIC = "phonetic", _("phonetic code")
        BIRTH_YEAR = "birth_year", _("birth year")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="search_tokens")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["kind", "value"])]
        constraints = [models.UniqueConstraint(fields=["child", "kind", "value"], name="cases_search_token_once")]

    def __str__(self) -> str:
        return f"{self.kind} hash of {self.child_id}"


class ChildNameTrigrams(models.Model):
    """Keyed hashes of name trigrams as an integer array; similarity is array overlap."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="name_trigrams", primary_key=True)
    trigrams = ArrayField(models.IntegerField(), default=list)

    class Meta:
        # GIN over int4[] answers "shares any trigram" (&&) without a table scan.
        indexes = [GinIndex(fields=["trigrams"], name="cases_trigrams_gin")]

    def __str__(self) -> str:
        return f"trigram hashes of {self.child_id}"


class GatingFact(models.TextChoices):
    """The facts that decide whether a rule protects the child (DOMAIN: "facts that gate a rule")."""

    UNACCOMPANIED = "unaccompanied", _("unaccompanied")
    SEPARATED = "separated", _("separated")
    PARENTS_IMPLICATED = "parents_implicated", _("parents implicated in the trafficking")
    PARENTS_CONFLICT_OF_INTEREST = "parents_conflict_of_interest", _("parents in conflict of interest")
    BIRTH_DATE = "birth_date", _("date of birth")
    BIRTH_DATE_BASIS = "birth_date_basis", _("basis of the date of birth")
    IDENTITY_DOCUMENT_FLAG = "identity_document_flag", _("identity document flagged as possibly false")
    IDENTITY_DOCUMENT_DISPUTE = "identity_document_dispute", _("identity document disputed by the person")
    PROTECTION_CLAIM = "protection_claim", _("protection claim")
    NON_REFOULEMENT_FINDING = "non_refoulement_finding", _("finding of a real risk of serious harm on return")


class GatingFactChange(models.Model):
    """One change of a fact that gates a rule: before, after, why, by whom. Append-only.

    A change that lifts a protection names the supervisor who made it (the database holds
    it); a birth date is kept sealed, like the child's own.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="gating_fact_changes")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="gating_fact_changes")
    fact = models.CharField(_("fact"), max_length=40, choices=GatingFact.choices)
    # What the change is about when the fact is not the child's own field ("identity document 12").
    subject = models.CharField(_("about"), max_length=100, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    before_sealed = Sealed(_("before (sealed)"))
    after_sealed = Sealed(_("after (sealed)"))
    rule = models.CharField(_("rule it gates"), max_length=48)
    lifts_protection = models.BooleanField(_("lifts a protection"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervisor who approved"),
    )
    reason = Sealed(_("reason"))  # required: sealed, so the database holds that there is one
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"))
    # The writing transaction, set by the database (migration 0004): how the child's row
    # proves at commit that each change of a gating column came with its history row.
    xact = models.BigIntegerField(null=True, editable=False)

    class Meta:
        verbose_name = _("change of a gating fact")
        verbose_name_plural = _("changes of gating facts")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(reason__isnull=False), name="cases_gatingfact_reason"),
            models.CheckConstraint(
                condition=models.Q(lifts_protection=False) | models.Q(approved_by__isnull=False),
                name="cases_gatingfact_lift_approved",
            ),
            # Unticking a protective yes/no fact always lifts a protection: no row may say otherwise.
            models.CheckConstraint(
                condition=~models.Q(
                    fact__in=["unaccompanied", "separated", "parents_implicated", "parents_conflict_of_interest"],
                    before=True,
                    after=False,
                    lifts_protection=False,
                ),
                name="cases_gatingfact_untick_lifts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_fact_display()} ({self.child_id}, {self.at:%Y-%m-%d})"


class FactsReliance(models.Model):
    """Which gating facts a decision relied on: the facts then, and the latest change before it.

    A decision of another app is named by app label, model and primary key, so that no app
    needs a migration to be linked. Append-only.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="facts_reliances")
    decision_app = models.CharField(_("app"), max_length=64)
    decision_model = models.CharField(_("model"), max_length=64)
    decision_pk = models.CharField(_("decision"), max_length=64)
    decision_label = models.CharField(_("decision"), max_length=200)
    facts = models.JSONField(_("facts relied on"))
    last_change = models.ForeignKey(
        GatingFactChange,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reliances",
        verbose_name=_("latest change of a gating fact before it"),
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("facts a decision relied on")
        verbose_name_plural = _("facts decisions relied on")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision_app", "decision_model", "decision_pk"], name="cases_reliance_once_per_decision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision_label} relied on facts of {self.at:%Y-%m-%d}"
