"""What was done about an alert is sealed with the key of the child it is about.

Existing outcomes are sealed in place (apps.cases.sealing_migration); those of alerts about
no child, or about an anonymised child, are dropped: their resolution still says how each
ended, so a resolution no longer needs words beside it.
"""

from django.db import migrations

import apps.cases.models
from apps.cases.sealing_migration import seal_existing


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0004_resolution_and_new_kinds"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="alert", name="alerts_alert_resolution_says_why"),
        migrations.AddField(
            model_name="alert",
            name="outcome_sealed",
            field=apps.cases.models.Sealed(blank=True, editable=False, null=True, verbose_name="what was done"),
        ),
        seal_existing("alerts", "Alert", {"outcome": "outcome_sealed"}, child="case__child"),
        migrations.RemoveField(model_name="alert", name="outcome"),
        migrations.RenameField(model_name="alert", old_name="outcome_sealed", new_name="outcome"),
    ]
