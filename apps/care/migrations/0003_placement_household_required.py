import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    # Apart from 0002, which fills the column: the table is altered once its rows are written.
    dependencies = [("care", "0002_ties_urgent_held_missing_charges")]

    operations = [
        migrations.AlterField(
            model_name="placement",
            name="household",
            field=models.UUIDField(default=uuid.uuid4, editable=False, verbose_name="household"),
        ),
    ]
