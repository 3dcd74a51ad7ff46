"""Where the child lives (R3): placements. Detention is not a placement type, at all."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Agency
from apps.cases.models import Case, Sealed


class PlacementKind(models.TextChoices):
    FAMILY = "family", _("With family")
    KINSHIP = "kinship", _("Kinship care")
    FOSTER = "foster", _("Foster family")
    SUPERVISED_INDEPENDENT = "supervised_independent", _("Supervised independent living")
    SHELTER = "shelter", _("Shelter")
    INSTITUTION = "institution", _("Residential institution")


# Family- and community-based care first; these need a written justification (R3).
NEEDS_JUSTIFICATION = frozenset({PlacementKind.SHELTER, PlacementKind.INSTITUTION})


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
    justification = models.TextField(_("why not family- or community-based care"), blank=True)
    urgent = models.BooleanField(_("urgent protective placement"), default=False)
    urgent_reason = models.TextField(_("urgent because"), blank=True)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-starts_at"]
        constraints = [
            # The database knows no detention type either: NEVER_DETAIN holds for raw SQL too.
            models.CheckConstraint(condition=models.Q(kind__in=PlacementKind.values), name="care_placement_kind_known"),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                name="care_placement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=list(NEEDS_JUSTIFICATION))
                | ~models.Q(justification="")
                | models.Q(urgent=True),
                name="care_placement_institution_justified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case_id})"
