"""Where the child lives and what happens to them there (R3).

Placements, the ties that keep children together, the urgent protective actions that no
rule may stop, the truth about a child who is being held, reports of a child missing from
care, and charges the child faces. Detention is not a placement type, at all: a child who
*is* held is recorded as a held event (a fact to act on), never as a placement (a decision).
Everything people type about the child (reasons, reviews, notes, where and by whom they are
held) is sealed with the child's own key; what stays plain names institutions or references.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency
from apps.cases.models import Case, Child, Sealed


class PlacementKind(models.TextChoices):
    FAMILY = "family", _("With family")
    KINSHIP = "kinship", _("Kinship care")
    FOSTER = "foster", _("Foster family")
    SUPERVISED_INDEPENDENT = "supervised_independent", _("Supervised independent living")
    SHELTER = "shelter", _("Shelter")
    INSTITUTION = "institution", _("Residential institution")


# Family- and community-based care first; these need a written justification (R3). A list,
# not a set: the constraints below must render the same on every run.
NEEDS_JUSTIFICATION = [PlacementKind.SHELTER, PlacementKind.INSTITUTION]


class Placement(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="placements")
    kind = models.CharField(_("kind"), max_length=32, choices=PlacementKind.choices)
    provider = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("care provider"),
    )
    address = Sealed(_("address"))
    justification = Sealed(_("why not family- or community-based care"))
    urgent = models.BooleanField(_("urgent protective placement"), default=False)
    urgent_reason = Sealed(_("urgent because"))
    # Placements that share a household are one home: children tied to each other (siblings,
    # a mother and her baby) are together when their current placements share it.
    household = models.UUIDField(_("household"), default=uuid.uuid4, editable=False)
    separation_decision = Sealed(
        _("best-interests decision to live apart"),
        help_text=_(
            "The reference of the decision that this child lives apart from a sibling or their mother or baby."
        ),
    )
    # Where the child lives: the owning agency's country unless the placement crosses a border,
    # which only R4's gate allows (or urgent protection, reviewed afterwards).
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code of where the child lives."))
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    # Sealed; none when the placement ended because the next one started (a change of
    # placement, which says why itself) — the mark a cancelled next placement looks for.
    end_reason = Sealed(_("why it ended"))
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A planned placement called off before it started never took effect: it "ends" as it starts
    # (so it is never current) and says when it was cancelled — by an urgent placement, which
    # then names it, or by a caseworker with the reason in `end_reason`.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded",
        verbose_name=_("ended or cancelled by the urgent placement"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["household"])]
        constraints = [
            # The database knows no detention type either: NEVER_DETAIN holds for raw SQL too.
            models.CheckConstraint(condition=models.Q(kind__in=PlacementKind.values), name="care_placement_kind_known"),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                name="care_placement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=NEEDS_JUSTIFICATION)
                | models.Q(justification__isnull=False)
                | models.Q(urgent=True),
                name="care_placement_institution_justified",
            ),
            models.CheckConstraint(
                condition=models.Q(urgent=False) | models.Q(urgent_reason__isnull=False),
                name="care_placement_urgent_has_reason",
            ),
            models.CheckConstraint(condition=models.Q(country__regex=r"^[A-Z]{2}$"), name="care_placement_country_iso"),
            models.CheckConstraint(
                condition=models.Q(cancelled_at__isnull=True) | models.Q(ends_at=models.F("starts_at")),
                name="care_placement_cancelled_never_current",
            ),
            models.CheckConstraint(
                condition=~models.Q(superseded_by=models.F("pk")), name="care_placement_not_superseded_by_itself"
            ),
            # A change of placement ends the one before: a child lives in one place at a time.
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(ends_at__isnull=True), name="care_placement_one_open_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case_id})"


class TieKind(models.TextChoices):
    SIBLINGS = "siblings", _("Siblings")
    MOTHER_AND_BABY = "mother_and_baby", _("Young mother and her baby")


class ChildTie(models.Model):
    """Two children who stay together unless a best-interests decision says otherwise (R3).

    For a mother and her baby, `child` is the mother and `tied_to` the baby.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+", verbose_name=_("child"))
    tied_to = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+", verbose_name=_("tied to"))
    kind = models.CharField(_("kind"), max_length=24, choices=TieKind.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tie between children")
        verbose_name_plural = _("ties between children")
        constraints = [
            models.CheckConstraint(condition=~models.Q(child=models.F("tied_to")), name="care_childtie_two_children"),
            models.CheckConstraint(condition=models.Q(kind__in=TieKind.values), name="care_childtie_kind_known"),
            # One tie per pair of children, whichever way round it was recorded.
            models.UniqueConstraint(Least("child", "tied_to"), Greatest("child", "tied_to"), name="care_childtie_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.child} — {self.tied_to}"

    def other_than(self, child_id: int) -> int:
        return self.tied_to_id if self.child_id == child_id else self.child_id


class UrgentActionKind(models.TextChoices):
    EMERGENCY_PLACEMENT = "emergency_placement", _("Emergency placement")
    SAFETY_MOVE = "safety_move", _("Safety move (the trafficker found the child)")
    MEDICAL_CARE = "medical_care", _("Medical care")
    MISSING_REPORT = "missing_report", _("Report that the child is missing")
    URGENT_PROTECTIVE_REFERRAL = "urgent_protective_referral", _("Urgent referral for protection")
    HALT_REMOVAL = "halt_removal", _("Halting a removal or deportation")


# Urgent actions that are a placement: recorded through `placement_record(urgent=True)`.
PLACEMENT_URGENCIES = [UrgentActionKind.EMERGENCY_PLACEMENT, UrgentActionKind.SAFETY_MOVE]


class UrgentAction(models.Model):
    """An urgent protective action: never refused by any rule, recorded with its reason, and
    reviewed afterwards by a supervisor (within HAVEN_URGENT_REVIEW_HOURS) and by the guardian."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="urgent_actions")
    kind = models.CharField(_("kind"), max_length=32, choices=UrgentActionKind.choices)
    reason = Sealed(_("reason"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("taken by")
    )
    taken_at = models.DateTimeField(_("taken"))
    placement = models.OneToOneField(
        Placement, on_delete=models.PROTECT, null=True, blank=True, related_name="urgent_action"
    )
    review_due_at = models.DateTimeField(_("supervisor's review due"))
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
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("urgent protective action")
        verbose_name_plural = _("urgent protective actions")
        ordering = ["-taken_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=UrgentActionKind.values), name="care_urgent_kind_known"),
            models.CheckConstraint(condition=models.Q(reason__isnull=False), name="care_urgent_has_reason"),
            models.CheckConstraint(
                condition=models.Q(review_due_at__gte=models.F("taken_at")), name="care_urgent_review_due_after"
            ),
            # An emergency placement or safety move is a placement, and only those are.
            models.CheckConstraint(
                condition=models.Q(kind__in=PLACEMENT_URGENCIES, placement__isnull=False)
                | (~models.Q(kind__in=PLACEMENT_URGENCIES) & models.Q(placement__isnull=True)),
                name="care_urgent_placement_iff_placement_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(supervisor_reviewed_at__isnull=True, supervisor_reviewed_by__isnull=True)
                | models.Q(supervisor_reviewed_at__isnull=False, supervisor_reviewed_by__isnull=False),
                name="care_urgent_supervisor_review_whole",
            ),
            models.CheckConstraint(
                condition=models.Q(guardian_reviewed_at__isnull=True, guardian_reviewed_by__isnull=True)
                | models.Q(guardian_reviewed_at__isnull=False, guardian_reviewed_by__isnull=False),
                name="care_urgent_guardian_review_whole",
            ),
        ]
        indexes = [models.Index(fields=["supervisor_reviewed_at"]), models.Index(fields=["guardian_reviewed_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case_id})"


class HeldPlace(models.TextChoices):
    POLICE_CUSTODY = "police_custody", _("Police custody")
    IMMIGRATION_DETENTION = "immigration_detention", _("Immigration detention")
    PRISON = "prison", _("Prison")
    JUVENILE_DETENTION = "juvenile_detention", _("Juvenile detention")
    CLOSED_FACILITY = "closed_facility", _("Closed facility")
    OTHER = "other", _("Other")


class HeldEvent(models.Model):
    """The truth that a child is being held (R3): where, by whom, since when, until released.

    Never a placement. It raises an urgent alert, a referral to legal aid, and a daily
    review until the release is recorded.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="held_events")
    place_kind = models.CharField(_("held in"), max_length=32, choices=HeldPlace.choices)
    place = Sealed(_("where"))
    held_by_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("held by (agency)")
    )
    held_by = Sealed(_("held by"), help_text=_("When not an agency in Haven."))
    since = models.DateTimeField(_("held since"))
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    release_note = Sealed(_("about the release"))
    release_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("held event")
        verbose_name_plural = _("held events")
        ordering = ["-since"]
        constraints = [
            models.CheckConstraint(condition=models.Q(place_kind__in=HeldPlace.values), name="care_held_place_known"),
            models.CheckConstraint(
                condition=models.Q(released_at__isnull=True) | models.Q(released_at__gte=models.F("since")),
                name="care_held_released_after",
            ),
        ]
        indexes = [models.Index(fields=["released_at"])]

    def __str__(self) -> str:
        return f"{self.get_place_kind_display()} ({self.case_id})"


class MissingReport(models.Model):
    """A child missing from care (R3): reported to the police at once, never gated."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="missing_reports")
    urgent_action = models.OneToOneField(UrgentAction, on_delete=models.PROTECT, related_name="missing_report")
    missing_since = models.DateTimeField(_("missing since"))
    last_seen = Sealed(_("last seen where, with whom"))
    police_reported_at = models.DateTimeField(_("reported to the police"))
    police_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("police")
    )
    police_reference = models.CharField(_("police reference"), max_length=100, blank=True)
    may_have_crossed_to = models.CharField(
        _("may have crossed the border to"), max_length=2, blank=True, help_text=_("ISO 3166 code.")
    )
    notice_could_endanger = models.BooleanField(
        _("notice to that country could endanger the child or family"), default=False
    )
    notice_withheld_reason = Sealed(_("why notice is withheld"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("missing-from-care report")
        verbose_name_plural = _("missing-from-care reports")
        ordering = ["-missing_since"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(may_have_crossed_to="") | models.Q(may_have_crossed_to__regex=r"^[A-Z]{2}$"),
                name="care_missing_country_iso",
            ),
        ]

    def __str__(self) -> str:
        return f"missing since {self.missing_since:%Y-%m-%d} ({self.case_id})"


class ChargeKind(models.TextChoices):
    CRIMINAL_CHARGE = "criminal_charge", _("Criminal charge")
    CONVICTION = "conviction", _("Conviction")
    ADMINISTRATIVE_PENALTY = "administrative_penalty", _("Administrative penalty or fine")
    IMMIGRATION_PENALTY = "immigration_penalty", _("Immigration penalty")


class Charge(models.Model):
    """Charges or penalties the child faces for acts committed as a consequence of being
    trafficked. Recording one refuses nothing; it raises NON_PUNISHMENT alerts (R3)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="charges")
    kind = models.CharField(_("kind"), max_length=32, choices=ChargeKind.choices)
    acts = Sealed(_("the acts charged or penalised"))
    authority = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("authority")
    )
    authority_name = models.CharField(
        _("authority"), max_length=200, blank=True, help_text=_("When not an agency in Haven.")
    )
    since = models.DateTimeField(_("faced since"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("charge against the child")
        verbose_name_plural = _("charges against the child")
        ordering = ["-since"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ChargeKind.values), name="care_charge_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case_id})"
