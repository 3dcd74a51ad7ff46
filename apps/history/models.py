"""Every change to a child's case data, written by the database itself.

A trigger on each table holding case data (apps/history/triggers.py) adds one row here for
every inserted, updated or deleted row, whatever wrote it: a service, a bulk
`QuerySet.update()`, raw SQL. Nothing in Haven writes this table directly, and the
application's database role can only add to it (config/db_roles.py, migration 0001).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Operation(models.TextChoices):
    INSERT = "INSERT", _("Added")
    UPDATE = "UPDATE", _("Changed")
    DELETE = "DELETE", _("Removed")


class Change(models.Model):
    at = models.DateTimeField(db_default=models.Func(function="clock_timestamp"))
    table_name = models.CharField(max_length=63)
    row_pk = models.CharField(max_length=64)
    # Plain ids, no foreign keys: the history outlives what it describes and never blocks a write.
    case_id = models.BigIntegerField(null=True)
    # The child's id, for the child's own row and records of the child rather than of one case.
    child_id = models.BigIntegerField(null=True)
    operation = models.CharField(max_length=6, choices=Operation.choices)
    # The row as to_jsonb() shows it: a sealed column is its sealed bytes (hex), never plain text.
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    changed = ArrayField(models.CharField(max_length=63), default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    channel = models.CharField(max_length=16)
    request_id = models.CharField(max_length=128, blank=True, default="")
    db_role = models.CharField(max_length=63)

    class Meta:
        db_table = "history_change"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case_id", "at"], name="history_case_at"),
            models.Index(fields=["child_id", "at"], name="history_child_at"),
            models.Index(fields=["table_name", "row_pk"], name="history_row"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.table_name} {self.row_pk}"
