from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="Heartbeat",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=64, unique=True, verbose_name="name")),
                ("beat_at", models.DateTimeField(verbose_name="last beat")),
            ],
            options={"verbose_name": "heartbeat", "verbose_name_plural": "heartbeats"},
        ),
        # The shared cache when no Redis is configured (Django's DatabaseCache layout), made
        # by a migration so that every database, the test one included, has it.
        migrations.RunSQL(
            sql=[
                "CREATE TABLE haven_cache (cache_key varchar(255) NOT NULL PRIMARY KEY, "
                "value text NOT NULL, expires timestamp with time zone NOT NULL)",
                "CREATE INDEX haven_cache_expires ON haven_cache (expires)",
            ],
            reverse_sql=["DROP TABLE haven_cache"],
        ),
        migrations.RunSQL(
            sql="CREATE SEQUENCE core_case_reference_seq START 1",
            reverse_sql="DROP SEQUENCE core_case_reference_seq",
        ),
    ]
