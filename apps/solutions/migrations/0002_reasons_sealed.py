"""Why a supervisor decided a durable solution, and why it was withdrawn, are sealed with the
child's key, existing rows sealed in place (issue 11).

"A withdrawn solution says why" is kept: the sealed reason is not null. A solution of a child
anonymised before this migration lost its reason with their key; an empty value stands for it.
"""

from django.db import migrations, models

import apps.cases.models
from apps.cases.sealing_migration import seal_existing

KEEP_REQUIRED = """
UPDATE solutions_durablesolution SET withdrawn_reason_sealed = ''::bytea
WHERE withdrawn_at IS NOT NULL AND withdrawn_reason_sealed IS NULL;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("solutions", "0001_durable_solutions"),
        ("cases", "0005_history_reasons_sealed"),
    ]

    operations = [
        # The old constraints go first: undoing this migration restores them once the plain text is back.
        migrations.RemoveConstraint(model_name="durablesolution", name="solutions_withdrawal_has_reason"),
        migrations.AddField(
            model_name="durablesolution",
            name="decision_reason_sealed",
            field=apps.cases.models.Sealed(
                blank=True, editable=False, null=True, verbose_name="why the supervisor decided it"
            ),
        ),
        migrations.AddField(
            model_name="durablesolution",
            name="withdrawn_reason_sealed",
            field=apps.cases.models.Sealed(blank=True, editable=False, null=True, verbose_name="why it was withdrawn"),
        ),
        seal_existing(
            "solutions",
            "DurableSolution",
            {"decision_reason": "decision_reason_sealed", "withdrawn_reason": "withdrawn_reason_sealed"},
            child="case__child",
        ),
        migrations.RunSQL(KEEP_REQUIRED, migrations.RunSQL.noop),
        migrations.RemoveField(model_name="durablesolution", name="decision_reason"),
        migrations.RemoveField(model_name="durablesolution", name="withdrawn_reason"),
        migrations.RenameField(
            model_name="durablesolution", old_name="decision_reason_sealed", new_name="decision_reason"
        ),
        migrations.RenameField(
            model_name="durablesolution", old_name="withdrawn_reason_sealed", new_name="withdrawn_reason"
        ),
        migrations.AddConstraint(
            model_name="durablesolution",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("withdrawn_at__isnull", True), ("withdrawn_reason__isnull", False), _connector="OR"
                ),
                name="solutions_withdrawal_has_reason",
            ),
        ),
    ]
