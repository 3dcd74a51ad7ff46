"""What people type about the child here is sealed with the child's key, existing rows sealed
in place (issue 11): identification and claim notes, reasons to change the recovery and
reflection period, and an interview's place, urgent reason and reviews.

"A changed period has a reason" and "an urgent interview has its reason" are kept: the sealed
value is not null. A row about a child anonymised before this migration lost its text with
their key; an empty value stands for it where one is required. No trigger or function of this
app reads these columns.
"""

from django.db import migrations, models

import apps.cases.models
from apps.cases.sealing_migration import seal_existing

COLUMNS = {
    "identificationchange": (["note"], "case__child"),
    "reflectionperiodchange": (["reason"], "case__child"),
    "protectionclaimstatuschange": (["note"], "claim__case__child"),
    "proceedinginterview": (
        ["place", "urgent_reason", "supervisor_review", "guardian_review"],
        "proceeding__case__child",
    ),
}
MODEL_NAMES = {
    "identificationchange": "IdentificationChange",
    "reflectionperiodchange": "ReflectionPeriodChange",
    "protectionclaimstatuschange": "ProtectionClaimStatusChange",
    "proceedinginterview": "ProceedingInterview",
}
LABELS = {
    "note": "note",
    "reason": "reason",
    "place": "where",
    "urgent_reason": "urgent because",
    "supervisor_review": "supervisor's review",
    "guardian_review": "guardian's review",
}

KEEP_REQUIRED = """
UPDATE rights_reflectionperiodchange SET reason_sealed = ''::bytea WHERE kind <> 'granted' AND reason_sealed IS NULL;
UPDATE rights_proceedinginterview SET urgent_reason_sealed = ''::bytea WHERE urgent AND urgent_reason_sealed IS NULL;
"""


def _sealed(label: str) -> apps.cases.models.Sealed:
    return apps.cases.models.Sealed(blank=True, editable=False, null=True, verbose_name=label)


class Migration(migrations.Migration):
    dependencies = [
        ("rights", "0003_gating_facts_have_history"),
        ("cases", "0005_history_reasons_sealed"),
    ]

    operations = [
        # The old constraints go first: undoing this migration restores them once the plain text is back.
        migrations.RemoveConstraint(model_name="reflectionperiodchange", name="rights_reflection_change_has_reason"),
        migrations.RemoveConstraint(model_name="proceedinginterview", name="rights_interview_urgent_reason"),
        *(
            migrations.AddField(model_name=model, name=f"{column}_sealed", field=_sealed(LABELS[column]))
            for model, (columns, _child) in COLUMNS.items()
            for column in columns
        ),
        *(
            seal_existing("rights", MODEL_NAMES[model], {c: f"{c}_sealed" for c in columns}, child=child)
            for model, (columns, child) in COLUMNS.items()
        ),
        migrations.RunSQL(KEEP_REQUIRED, migrations.RunSQL.noop),
        *(
            migrations.RemoveField(model_name=model, name=column)
            for model, (columns, _child) in COLUMNS.items()
            for column in columns
        ),
        *(
            migrations.RenameField(model_name=model, old_name=f"{column}_sealed", new_name=column)
            for model, (columns, _child) in COLUMNS.items()
            for column in columns
        ),
        migrations.AddConstraint(
            model_name="reflectionperiodchange",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", "granted"), ("reason__isnull", False), _connector="OR"),
                name="rights_reflection_change_has_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="proceedinginterview",
            constraint=models.CheckConstraint(
                condition=models.Q(("urgent", False), ("urgent_reason__isnull", False), _connector="OR"),
                name="rights_interview_urgent_reason",
            ),
        ),
    ]
