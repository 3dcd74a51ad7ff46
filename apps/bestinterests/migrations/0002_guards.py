from django.db import migrations

# A decided determination is never edited (R7), whatever path writes — raw SQL included, and
# as the application role, which owns none of these and can neither drop nor disable them.
# Once decided, a determination changes only to record, once each, its approval and that the
# child was told; it is never deleted. Its panel, options and undertakings are frozen with it
# (no row added, changed or removed). Undertakings and review requests are never rewritten;
# a completed BIA never changes and is never deleted. (haven_refuse_change: cases 0002.)
DETERMINATION = """
CREATE FUNCTION bestinterests_determination_final() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    once_columns CONSTANT text[] := ARRAY['approved_at', 'approved_by_id', 'child_told_at', 'child_told_how',
                                          'child_told_by_id'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a decided best-interests determination is never deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (to_jsonb(NEW) - once_columns) IS DISTINCT FROM (to_jsonb(OLD) - once_columns)
       OR (OLD.approved_at IS NOT NULL
           AND (NEW.approved_at, NEW.approved_by_id) IS DISTINCT FROM (OLD.approved_at, OLD.approved_by_id))
       OR (OLD.child_told_at IS NOT NULL
           AND (NEW.child_told_at, NEW.child_told_how, NEW.child_told_by_id)
               IS DISTINCT FROM (OLD.child_told_at, OLD.child_told_how, OLD.child_told_by_id)) THEN
        RAISE EXCEPTION 'a decided best-interests determination is never edited: open a review'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER bestinterests_determination_final
    BEFORE UPDATE OR DELETE ON bestinterests_bestinterestsdetermination
    FOR EACH ROW WHEN (OLD.decided_at IS NOT NULL) EXECUTE FUNCTION bestinterests_determination_final();

CREATE FUNCTION bestinterests_part_final() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        ids := ARRAY[NEW.determination_id];
    ELSIF TG_OP = 'UPDATE' THEN
        ids := ARRAY[OLD.determination_id, NEW.determination_id];
    ELSE
        ids := ARRAY[OLD.determination_id];
    END IF;
    -- FOR SHARE waits for a decision being written, then reads what it wrote.
    PERFORM 1 FROM bestinterests_bestinterestsdetermination
        WHERE id = ANY(ids) AND decided_at IS NOT NULL FOR SHARE;
    IF FOUND THEN
        RAISE EXCEPTION '% of a decided best-interests determination never changes', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
"""
PARTS = ("panelmember", "optionweighed", "confidentialityundertaking")
SQL = (
    DETERMINATION
    + "".join(
        f"CREATE TRIGGER bestinterests_{table}_final BEFORE INSERT OR UPDATE OR DELETE ON bestinterests_{table}\n"
        "    FOR EACH ROW EXECUTE FUNCTION bestinterests_part_final();\n"
        for table in PARTS
    )
    + "CREATE TRIGGER bestinterests_undertaking_append_only BEFORE UPDATE OR DELETE\n"
    "    ON bestinterests_confidentialityundertaking FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();\n"
    "CREATE TRIGGER bestinterests_review_append_only BEFORE UPDATE OR DELETE ON bestinterests_bestinterestsreview\n"
    "    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();\n"
    "CREATE TRIGGER bestinterests_bia_final BEFORE UPDATE OR DELETE ON bestinterests_bestinterestsassessment\n"
    "    FOR EACH ROW WHEN (OLD.completed_at IS NOT NULL) EXECUTE FUNCTION haven_refuse_change();\n"
)
REVERSE = (
    "DROP TRIGGER bestinterests_bia_final ON bestinterests_bestinterestsassessment;\n"
    "DROP TRIGGER bestinterests_review_append_only ON bestinterests_bestinterestsreview;\n"
    "DROP TRIGGER bestinterests_undertaking_append_only ON bestinterests_confidentialityundertaking;\n"
    + "".join(f"DROP TRIGGER bestinterests_{table}_final ON bestinterests_{table};\n" for table in PARTS)
    + "DROP FUNCTION bestinterests_part_final();\n"
    "DROP TRIGGER bestinterests_determination_final ON bestinterests_bestinterestsdetermination;\n"
    "DROP FUNCTION bestinterests_determination_final();\n"
)


class Migration(migrations.Migration):
    dependencies = [("bestinterests", "0001_determinations"), ("cases", "0002_guards")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
