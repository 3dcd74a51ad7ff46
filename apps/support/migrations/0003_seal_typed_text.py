"""What people type about the child is sealed with the child's key, existing rows sealed in place:
why a supervisor refused an "other" reason, and whom the child cooperates with outside Haven.
A decided approval never changes: its guard is off for the data step only (the migration runs
as the table's owner).
"""

from django.db import migrations, models

import apps.cases.models
from apps.cases.sealing_migration import seal_existing

GUARD = "ALTER TABLE support_otherreasonapproval {} TRIGGER support_otherreasonapproval_final;"


class Migration(migrations.Migration):
    dependencies = [("support", "0002_other_reason_approval"), ("cases", "0004_gating_facts_and_transition_integrity")]
    operations = [
        migrations.RemoveConstraint(model_name="otherreasonapproval", name="support_other_decision_complete"),
        migrations.AddField(
            model_name="otherreasonapproval",
            name="decision_note_sealed",
            field=apps.cases.models.Sealed(verbose_name="why refused"),
        ),
        migrations.AddField(
            model_name="cooperationrecord",
            name="with_name_sealed",
            field=apps.cases.models.Sealed(verbose_name="with (outside Haven)"),
        ),
        migrations.RunSQL(GUARD.format("DISABLE"), GUARD.format("ENABLE")),
        seal_existing(
            "support", "OtherReasonApproval", {"decision_note": "decision_note_sealed"}, child="service__case__child"
        ),
        migrations.RunSQL(GUARD.format("ENABLE"), GUARD.format("DISABLE")),
        seal_existing("support", "CooperationRecord", {"with_name": "with_name_sealed"}),
        migrations.RemoveField(model_name="otherreasonapproval", name="decision_note"),
        migrations.RenameField(
            model_name="otherreasonapproval", old_name="decision_note_sealed", new_name="decision_note"
        ),
        migrations.RemoveField(model_name="cooperationrecord", name="with_name"),
        migrations.RenameField(model_name="cooperationrecord", old_name="with_name_sealed", new_name="with_name"),
        migrations.AddConstraint(
            model_name="otherreasonapproval",
            constraint=models.CheckConstraint(
                condition=models.Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | models.Q(status="approved", decided_by__isnull=False, decided_at__gte=models.F("requested_at"))
                | models.Q(
                    status="refused",
                    decided_by__isnull=False,
                    decided_at__gte=models.F("requested_at"),
                    decision_note__isnull=False,
                ),
                name="support_other_decision_complete",
            ),
        ),
    ]
