"""Why an appointment ended, and why it was made despite the caseload cap or alongside
another, are sealed with the child's key; existing rows are sealed in place."""

from django.db import migrations, models

import apps.cases.models
from apps.cases.sealing_migration import seal_existing

COLUMNS = {
    "end_reason": ("why it ended", ""),
    "over_cap_reason": ("why the caseload cap was exceeded", ""),
    "alongside_reason": (
        "why two act at once",
        "Only when this child already has one of this kind and no handover is meant.",
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("guardianship", "0003_independence_and_handover_guards"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="guardianappointment", name="guardianship_appointment_end_has_reason"),
        *[
            migrations.AddField(
                model_name="guardianappointment",
                name=f"{column}_sealed",
                field=apps.cases.models.Sealed(
                    blank=True, editable=False, null=True, verbose_name=label, help_text=help_text
                ),
            )
            for column, (label, help_text) in COLUMNS.items()
        ],
        seal_existing(
            "guardianship",
            "GuardianAppointment",
            {column: f"{column}_sealed" for column in COLUMNS},
            child="case__child",
        ),
        *[migrations.RemoveField(model_name="guardianappointment", name=column) for column in COLUMNS],
        *[
            migrations.RenameField(model_name="guardianappointment", old_name=f"{column}_sealed", new_name=column)
            for column in COLUMNS
        ],
        migrations.AddConstraint(
            model_name="guardianappointment",
            constraint=models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(end_reason__isnull=False),
                name="guardianship_appointment_end_has_reason",
            ),
        ),
    ]
