import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from apps.history.triggers import FUNCTION_SQL

# The history is only ever added to: like the read log, a trigger refuses UPDATE and DELETE to
# anyone (haven_refuse_change: cases 0002), and the application role holds neither privilege.
APPEND_ONLY = """
CREATE TRIGGER history_change_append_only BEFORE UPDATE OR DELETE ON history_change
    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
"""


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("cases", "0005_history_reasons_sealed"),
    ]

    operations = [
        migrations.CreateModel(
            name="Change",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_default=models.Func(function="clock_timestamp"))),
                ("table_name", models.CharField(max_length=63)),
                ("row_pk", models.CharField(max_length=64)),
                ("case_id", models.BigIntegerField(null=True)),
                ("child_id", models.BigIntegerField(null=True)),
                (
                    "operation",
                    models.CharField(
                        choices=[("INSERT", "Added"), ("UPDATE", "Changed"), ("DELETE", "Removed")], max_length=6
                    ),
                ),
                ("before", models.JSONField(null=True)),
                ("after", models.JSONField(null=True)),
                (
                    "changed",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=63), default=list, size=None
                    ),
                ),
                ("channel", models.CharField(max_length=16)),
                ("request_id", models.CharField(blank=True, default="", max_length=128)),
                ("db_role", models.CharField(max_length=63)),
                (
                    "actor",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "history_change",
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(fields=["case_id", "at"], name="history_case_at"),
                    models.Index(fields=["child_id", "at"], name="history_child_at"),
                    models.Index(fields=["table_name", "row_pk"], name="history_row"),
                ],
            },
        ),
        migrations.RunSQL(FUNCTION_SQL, "DROP FUNCTION haven_history_record();"),
        migrations.RunSQL(APPEND_ONLY, "DROP TRIGGER history_change_append_only ON history_change;"),
    ]
