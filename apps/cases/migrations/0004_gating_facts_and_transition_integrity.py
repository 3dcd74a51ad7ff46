"""History of gating facts, decisions' reliance on them, and the commit-time proofs that
state and gating facts change only with their history rows (issue 10, 2a and 7)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import apps.cases.models

# The writing transaction of a history row, stamped by the database whatever the writer
# sent: the proofs below compare it with the transaction being committed.
STAMP = """
CREATE FUNCTION haven_stamp_xact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.xact := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END $$;
CREATE TRIGGER cases_casetransition_xact BEFORE INSERT ON cases_casetransition
    FOR EACH ROW EXECUTE FUNCTION haven_stamp_xact();
CREATE TRIGGER cases_gatingfactchange_xact BEFORE INSERT ON cases_gatingfactchange
    FOR EACH ROW EXECUTE FUNCTION haven_stamp_xact();
CREATE TRIGGER cases_gatingfactchange_append_only BEFORE UPDATE OR DELETE ON cases_gatingfactchange
    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
CREATE TRIGGER cases_factsreliance_append_only BEFORE UPDATE OR DELETE ON cases_factsreliance
    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
"""

# A state change stands only with its transition row (same move, same transaction),
# checked at commit: raw SQL cannot walk a case to `closed` leaving no history.
STATE_HAS_TRANSITION = """
CREATE FUNCTION cases_case_state_has_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM cases_casetransition t
        WHERE t.case_id = NEW.id AND t.from_state = OLD.state AND t.to_state = NEW.state
          AND t.xact = pg_current_xact_id()::text::bigint
    ) THEN
        RAISE EXCEPTION 'case % moved from % to % without its transition row', NEW.id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER cases_case_state_has_transition
    AFTER UPDATE OF state ON cases_case DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION cases_case_state_has_transition();
"""

# A gating fact of the child changes only with its history row (same transaction), which
# for the plain facts must say what the value became.
GATING_HAS_HISTORY = """
CREATE FUNCTION cases_child_gating_has_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tx bigint := pg_current_xact_id()::text::bigint;
    changed jsonb := '{}'::jsonb;
    missing text;
BEGIN
    IF NEW.unaccompanied IS DISTINCT FROM OLD.unaccompanied THEN
        changed := changed || jsonb_build_object('unaccompanied', to_jsonb(NEW.unaccompanied));
    END IF;
    IF NEW.separated IS DISTINCT FROM OLD.separated THEN
        changed := changed || jsonb_build_object('separated', to_jsonb(NEW.separated));
    END IF;
    IF NEW.parents_implicated IS DISTINCT FROM OLD.parents_implicated THEN
        changed := changed || jsonb_build_object('parents_implicated', to_jsonb(NEW.parents_implicated));
    END IF;
    IF NEW.parents_conflict_of_interest IS DISTINCT FROM OLD.parents_conflict_of_interest THEN
        changed := changed || jsonb_build_object(
            'parents_conflict_of_interest', to_jsonb(NEW.parents_conflict_of_interest));
    END IF;
    IF NEW.birth_date_basis IS DISTINCT FROM OLD.birth_date_basis THEN
        changed := changed || jsonb_build_object('birth_date_basis', to_jsonb(NEW.birth_date_basis));
    END IF;
    IF NEW.birth_date IS DISTINCT FROM OLD.birth_date THEN
        changed := changed || jsonb_build_object('birth_date', 'null'::jsonb);  -- sealed: existence only
    END IF;
    SELECT string_agg(c.key, ', ') INTO missing FROM jsonb_each(changed) c
    WHERE NOT EXISTS (
        SELECT 1 FROM cases_gatingfactchange g
        WHERE g.child_id = NEW.id AND g.fact = c.key AND g.xact = tx
          AND (c.key = 'birth_date' OR g.after = c.value)
    );
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'child % changed % without a recorded reason', NEW.id, missing
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER cases_child_gating_has_history
    AFTER UPDATE OF unaccompanied, separated, parents_implicated, parents_conflict_of_interest,
        birth_date_basis, birth_date ON cases_child DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION cases_child_gating_has_history();
"""

REVERSE = """
DROP TRIGGER cases_child_gating_has_history ON cases_child;
DROP FUNCTION cases_child_gating_has_history();
DROP TRIGGER cases_case_state_has_transition ON cases_case;
DROP FUNCTION cases_case_state_has_transition();
DROP TRIGGER cases_factsreliance_append_only ON cases_factsreliance;
DROP TRIGGER cases_gatingfactchange_append_only ON cases_gatingfactchange;
DROP TRIGGER cases_gatingfactchange_xact ON cases_gatingfactchange;
DROP TRIGGER cases_casetransition_xact ON cases_casetransition;
DROP FUNCTION haven_stamp_xact();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_daily_casework_foundations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="casetransition",
            name="xact",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.CreateModel(
            name="GatingFactChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "fact",
                    models.CharField(
                        choices=[
                            ("unaccompanied", "unaccompanied"),
                            ("separated", "separated"),
                            ("parents_implicated", "parents implicated in the trafficking"),
                            ("parents_conflict_of_interest", "parents in conflict of interest"),
                            ("birth_date", "date of birth"),
                            ("birth_date_basis", "basis of the date of birth"),
                            ("identity_document_flag", "identity document flagged as possibly false"),
                            ("identity_document_dispute", "identity document disputed by the person"),
                            ("protection_claim", "protection claim"),
                            ("non_refoulement_finding", "finding of a real risk of serious harm on return"),
                        ],
                        max_length=40,
                        verbose_name="fact",
                    ),
                ),
                ("subject", models.CharField(blank=True, max_length=100, verbose_name="about")),
                ("before", models.JSONField(blank=True, null=True, verbose_name="before")),
                ("after", models.JSONField(blank=True, null=True, verbose_name="after")),
                ("before_sealed", apps.cases.models.Sealed(blank=True, null=True, verbose_name="before (sealed)")),
                ("after_sealed", apps.cases.models.Sealed(blank=True, null=True, verbose_name="after (sealed)")),
                ("rule", models.CharField(max_length=48, verbose_name="rule it gates")),
                ("lifts_protection", models.BooleanField(verbose_name="lifts a protection")),
                ("reason", models.TextField(verbose_name="reason")),
                ("at", models.DateTimeField(verbose_name="when")),
                ("xact", models.BigIntegerField(editable=False, null=True)),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="supervisor who approved",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="gating_fact_changes", to="cases.case"
                    ),
                ),
                (
                    "child",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="gating_fact_changes",
                        to="cases.child",
                    ),
                ),
            ],
            options={
                "verbose_name": "change of a gating fact",
                "verbose_name_plural": "changes of gating facts",
                "ordering": ["at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="FactsReliance",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("decision_app", models.CharField(max_length=64, verbose_name="app")),
                ("decision_model", models.CharField(max_length=64, verbose_name="model")),
                ("decision_pk", models.CharField(max_length=64, verbose_name="decision")),
                ("decision_label", models.CharField(max_length=200, verbose_name="decision")),
                ("facts", models.JSONField(verbose_name="facts relied on")),
                ("at", models.DateTimeField(verbose_name="when")),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="facts_reliances", to="cases.case"
                    ),
                ),
                (
                    "last_change",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reliances",
                        to="cases.gatingfactchange",
                        verbose_name="latest change of a gating fact before it",
                    ),
                ),
            ],
            options={
                "verbose_name": "facts a decision relied on",
                "verbose_name_plural": "facts decisions relied on",
                "ordering": ["at", "pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="gatingfactchange",
            constraint=models.CheckConstraint(
                condition=models.Q(("reason__regex", "\\S")), name="cases_gatingfact_reason"
            ),
        ),
        migrations.AddConstraint(
            model_name="gatingfactchange",
            constraint=models.CheckConstraint(
                condition=models.Q(("lifts_protection", False), ("approved_by__isnull", False), _connector="OR"),
                name="cases_gatingfact_lift_approved",
            ),
        ),
        migrations.AddConstraint(
            model_name="gatingfactchange",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("after", False),
                    ("before", True),
                    ("fact__in", ["unaccompanied", "separated", "parents_implicated", "parents_conflict_of_interest"]),
                    ("lifts_protection", False),
                    _negated=True,
                ),
                name="cases_gatingfact_untick_lifts",
            ),
        ),
        migrations.AddConstraint(
            model_name="factsreliance",
            constraint=models.UniqueConstraint(
                fields=("decision_app", "decision_model", "decision_pk"), name="cases_reliance_once_per_decision"
            ),
        ),
        migrations.RunSQL(STAMP + STATE_HAS_TRANSITION + GATING_HAS_HISTORY, REVERSE),
    ]
