"""Reading one case beyond the agency's own staff: explicit grants and break-glass.

Explicit grants give one named person (an expert panel member, an interpreter for one case)
or a group the reading of one case: django-guardian's object permissions, with direct
foreign keys to the case (no generic relation to scan), joined into the access policy's one
condition and revoked by deleting the row. Only the permission to view a case
(`cases.view_case`) reaches anything; a row for any other permission gives nothing.

Break-glass: out of the owning agency's office hours, a caseworker on duty opens a case they
cannot see, for urgent protection, stating why. It reads the case (never acts on it) until
`expires_at`; the owning agency's supervisors are alerted at once and review it at the next
opening of the office.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from apps.cases.models import Case, Sealed

# The one object permission the access policy reads: seeing the whole case, read-only.
READ_CASE = "view_case"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """One named person may read one case (with `READ_CASE`)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="user_grants")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted"), null=True)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("case read grant to a person")
        verbose_name_plural = _("case read grants to people")

    def __str__(self) -> str:
        return f"{self.content_object} → {self.user}"


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """The members of one group may read one case (with `READ_CASE`)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="group_grants")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted"), null=True)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("case read grant to a group")
        verbose_name_plural = _("case read grants to groups")

    def __str__(self) -> str:
        return f"{self.content_object} → {self.group}"


class BreakGlass(models.Model):
    """A caseworker on duty reading a case they could not see, out of hours, for urgent protection."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="break_glass_openings", verbose_name=_("case")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    # Why the child needs protection now: about the child, so sealed with the child's key.
    reason = Sealed(_("urgent-protection reason"))
    opened_at = models.DateTimeField(_("opened"))
    expires_at = models.DateTimeField(_("read-only until"))
    # The owning agency's next opening after `opened_at`: its supervisors review it then.
    review_due_at = models.DateTimeField(_("review due"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = Sealed(_("review note"))

    class Meta:
        verbose_name = _("break-glass reading")
        verbose_name_plural = _("break-glass readings")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("opened_at")), name="grants_breakglass_expires_after_opening"
            ),
            models.CheckConstraint(
                condition=models.Q(review_due_at__gte=models.F("opened_at")),
                name="grants_breakglass_review_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewed_at__isnull=True, reviewed_by__isnull=True)
                | models.Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="grants_breakglass_reviewed_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["opened_by", "case", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.case} ({self.opened_at:%Y-%m-%d %H:%M})"
