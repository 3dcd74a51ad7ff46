"""What people type about the child is sealed with the child's key, existing rows sealed in place:
why a tracing request was closed, and why a reason not to trace was withdrawn."""

from django.db import migrations, models

import apps.cases.models
from apps.cases.sealing_migration import seal_existing


class Migration(migrations.Migration):
    dependencies = [
        ("family", "0003_tracing_consent_guards"),
        ("cases", "0004_gating_facts_and_transition_integrity"),
    ]
    operations = [
        migrations.RemoveConstraint(model_name="tracingrequest", name="family_tracing_closed_with_reason"),
        migrations.RemoveConstraint(model_name="tracingnotdone", name="family_notdone_withdrawn_whole"),
        migrations.AddField(
            model_name="tracingrequest",
            name="close_reason_sealed",
            field=apps.cases.models.Sealed(verbose_name="why it was closed"),
        ),
        migrations.AddField(
            model_name="tracingnotdone",
            name="withdraw_reason_sealed",
            field=apps.cases.models.Sealed(verbose_name="why it was withdrawn"),
        ),
        seal_existing("family", "TracingRequest", {"close_reason": "close_reason_sealed"}),
        seal_existing("family", "TracingNotDone", {"withdraw_reason": "withdraw_reason_sealed"}),
        migrations.RemoveField(model_name="tracingrequest", name="close_reason"),
        migrations.RenameField(model_name="tracingrequest", old_name="close_reason_sealed", new_name="close_reason"),
        migrations.RemoveField(model_name="tracingnotdone", name="withdraw_reason"),
        migrations.RenameField(
            model_name="tracingnotdone", old_name="withdraw_reason_sealed", new_name="withdraw_reason"
        ),
        migrations.AddConstraint(
            model_name="tracingrequest",
            constraint=models.CheckConstraint(
                condition=~models.Q(status="closed")
                | models.Q(closed_at__isnull=False, closed_by__isnull=False, close_reason__isnull=False),
                name="family_tracing_closed_with_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="tracingnotdone",
            constraint=models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(
                    withdrawn_at__gte=models.F("decided_at"), withdrawn_by__isnull=False, withdraw_reason__isnull=False
                ),
                name="family_notdone_withdrawn_whole",
            ),
        ),
    ]
