"""Who read which child's record, when, through which channel, and whether it was allowed.

Append-only: a trigger refuses UPDATE and DELETE, whatever code path tries.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("REST API")
    ADMIN = "admin", _("Admin")
    COMMAND = "command", _("Management command")
    TASK = "task", _("Background task")
    PEER = "peer", _("Peer server")


class RecordAccess(models.Model):
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=32)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    allowed = models.BooleanField()
    # Read under a break-glass: the reader saw the case only because they opened it out of hours.
    break_glass = models.BooleanField(default=False, db_default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["case", "at"]), models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.case_id} by {self.actor_id} ({'allowed' if self.allowed else 'denied'})"
