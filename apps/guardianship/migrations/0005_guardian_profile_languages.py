"""The languages a guardian speaks, matched against the child's when a guardian is proposed."""

import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("guardianship", "0004_seal_typed_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="guardianprofile",
            name="languages",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=60),
                blank=True,
                default=list,
                size=None,
                verbose_name="languages spoken",
            ),
        ),
    ]
