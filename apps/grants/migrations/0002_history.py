from django.db import migrations

from apps.history.triggers import attach


class Migration(migrations.Migration):
    dependencies = [("grants", "0001_case_grants_and_break_glass"), ("history", "0002_case_data")]
    operations = [
        attach("grants_breakglass", case_column="case_id"),
        attach("grants_caseuserobjectpermission", case_column="content_object_id"),
        attach("grants_casegroupobjectpermission", case_column="content_object_id"),
    ]
