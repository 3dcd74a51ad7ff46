from django.db import migrations

# History stays as it was written, whatever path tries to change it: documents, their flag
# and dispute events, claims, professionals, methods and treatments as adults are
# append-only; an approved or stopped assessment, a decided appeal and a challenged external
# decision never change; none of them is deleted. (haven_refuse_change: cases 0002.)
APPEND_ONLY = ("identitydocument", "documentevent", "ageclaim", "assessmentprofessional", "assessmentmethod",
               "adulttreatment")  # fmt: skip
FINAL_WHEN = {
    "ageassessment": "OLD.status IN ('approved', 'stopped')",
    "ageappeal": "OLD.decided_at IS NOT NULL",
    "externalagedecision": "OLD.challenged_at IS NOT NULL",
}

SQL = "".join(
    f"CREATE TRIGGER age_{table}_append_only BEFORE UPDATE OR DELETE ON age_{table}\n"
    "    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();\n"
    for table in APPEND_ONLY
) + "".join(
    f"CREATE TRIGGER age_{table}_no_delete BEFORE DELETE ON age_{table}\n"
    "    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();\n"
    f"CREATE TRIGGER age_{table}_final BEFORE UPDATE ON age_{table}\n"
    f"    FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION haven_refuse_change();\n"
    for table, when in FINAL_WHEN.items()
)
REVERSE = "".join(f"DROP TRIGGER age_{table}_append_only ON age_{table};\n" for table in APPEND_ONLY) + "".join(
    f"DROP TRIGGER age_{table}_no_delete ON age_{table};\nDROP TRIGGER age_{table}_final ON age_{table};\n"
    for table in FINAL_WHEN
)


class Migration(migrations.Migration):
    dependencies = [("age", "0001_initial"), ("cases", "0002_guards")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
