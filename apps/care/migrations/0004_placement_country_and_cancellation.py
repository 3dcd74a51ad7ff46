import django.db.models.deletion
from django.db import migrations, models

# Existing placements were all made inside the owning agency's country (no cross-border
# placement could be recorded with a country before): that is where they are.
FILL_COUNTRY = """
UPDATE care_placement AS p SET country = a.country
  FROM cases_case AS c JOIN accounts_agency AS a ON a.id = c.owning_agency_id
 WHERE c.id = p.case_id AND p.country = '';
"""


class Migration(migrations.Migration):
    dependencies = [("care", "0003_placement_household_required")]

    operations = [
        migrations.AddField(
            model_name="placement",
            name="country",
            field=models.CharField(
                default="", help_text="ISO 3166 code of where the child lives.", max_length=2, verbose_name="country"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="placement",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="cancelled"),
        ),
        migrations.AddField(
            model_name="placement",
            name="superseded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="superseded",
                to="care.placement",
                verbose_name="ended or cancelled by the urgent placement",
            ),
        ),
        migrations.RunSQL(FILL_COUNTRY, migrations.RunSQL.noop),
    ]
