"""A request for a guardian is a referral (listed as its own proxy), and the appointment records
the request it answers."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("guardianship", "0005_guardian_profile_languages"),
        ("referrals", "0002_guards"),
    ]

    operations = [
        migrations.CreateModel(
            name="GuardianRequest",
            fields=[],
            options={
                "verbose_name": "request for a guardian",
                "verbose_name_plural": "requests for a guardian",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("referrals.referral",),
        ),
        migrations.AddField(
            model_name="guardianappointment",
            name="answers",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="guardian_appointments",
                to="referrals.referral",
                verbose_name="answers the request",
            ),
        ),
    ]
