"""R5 held by structure: "other" as an end or decline reason takes effect only with a
supervisor's approval (the reason kept); wording hints on services instead of refusals.

Services ended or declined for "other" before this migration get an approval row that says
so: decided by whoever recorded the end, the reason kept where it was (the service's sealed
note), so the new rule holds for every row without rewriting what happened. A trigger holds
that a service's approval is an approved one of its own, for the same step.
"""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import apps.cases.models

BEFORE = "Ended or declined for “other” before a supervisor's approval was required; the reason is kept on the service."


def approve_existing_other_reasons(apps, schema_editor):
    Service = apps.get_model("support", "SupportService")
    Approval = apps.get_model("support", "OtherReasonApproval")
    for service in Service.objects.filter(models.Q(end_reason="other") | models.Q(decline_reason="other")):
        ended = service.end_reason == "other"
        who = service.ended_by_id if ended else service.declined_by_id
        when = service.ended_at if ended else service.declined_at
        approval = Approval.objects.create(
            service=service,
            step="end" if ended else "decline",
            effective_at=when,
            requested_by_id=who,
            requested_at=when,
            status="approved",
            decided_by_id=who,
            decided_at=when,
            decision_note=BEFORE,
        )
        Service.objects.filter(pk=service.pk).update(other_approval=approval)
    # Check the deferred foreign keys now, so the constraints below may alter the table.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


# The approval a service points to is approved, its own, and for the step that used "other".
TRIGGER = """
CREATE FUNCTION support_service_other_approved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.other_approval_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM support_otherreasonapproval a
        WHERE a.id = NEW.other_approval_id AND a.service_id = NEW.id AND a.status = 'approved'
          AND a.step = CASE WHEN NEW.end_reason = 'other' THEN 'end'
                            WHEN NEW.decline_reason = 'other' THEN 'decline' END
    ) THEN
        RAISE EXCEPTION 'support: “other” needs a supervisor''s approval of this service''s step'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER support_service_other_approved BEFORE INSERT OR UPDATE ON support_supportservice
    FOR EACH ROW EXECUTE FUNCTION support_service_other_approved();
-- A decision, once taken, stays; nothing is deleted.
CREATE TRIGGER support_otherreasonapproval_no_delete BEFORE DELETE ON support_otherreasonapproval
    FOR EACH ROW EXECUTE FUNCTION haven_refuse_change();
CREATE TRIGGER support_otherreasonapproval_final BEFORE UPDATE ON support_otherreasonapproval
    FOR EACH ROW WHEN (OLD.status <> 'pending') EXECUTE FUNCTION haven_refuse_change();
"""
REVERSE = """
DROP TRIGGER support_otherreasonapproval_final ON support_otherreasonapproval;
DROP TRIGGER support_otherreasonapproval_no_delete ON support_otherreasonapproval;
DROP TRIGGER support_service_other_approved ON support_supportservice;
DROP FUNCTION support_service_other_approved();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_membership_team_same_agency"),
        ("cases", "0003_daily_casework_foundations"),
        ("support", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="supportservice",
            name="hints",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=64),
                blank=True,
                default=list,
                size=None,
                verbose_name="wording hints",
            ),
        ),
        migrations.AlterField(
            model_name="supportservice",
            name="decline_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("no_capacity", "No place or capacity now"),
                    ("outside_area", "Outside the provider's area"),
                    ("not_offered", "The provider does not offer this service"),
                    ("language_unavailable", "No one speaks the child's language"),
                    ("conflict_of_interest", "Conflict of interest (the provider is linked to the case)"),
                    ("safety", "The child would not be safe there"),
                    ("other", "Other (say why; a supervisor approves)"),
                ],
                max_length=32,
                verbose_name="why declined",
            ),
        ),
        migrations.AlterField(
            model_name="supportservice",
            name="end_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("completed", "Completed: its goals were met"),
                    ("no_longer_needed", "No longer needed"),
                    ("child_chose_to_stop", "The child chose to stop, after being told of the service"),
                    ("another_provider", "Continued by another provider"),
                    ("child_moved", "The child moved out of the provider's reach"),
                    ("adult_services", "Handed over to services for adults"),
                    ("provider_stopped", "The provider could not continue"),
                    ("other", "Other (say why; a supervisor approves)"),
                ],
                max_length=32,
                verbose_name="why it ended",
            ),
        ),
        migrations.CreateModel(
            name="OtherReasonApproval",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "step",
                    models.CharField(
                        choices=[("end", "End of the service"), ("decline", "Decline by the provider")],
                        max_length=16,
                        verbose_name="what",
                    ),
                ),
                ("text", apps.cases.models.Sealed(blank=True, null=True, verbose_name="the reason given")),
                (
                    "hints",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=64),
                        blank=True,
                        default=list,
                        size=None,
                        verbose_name="wording hints",
                    ),
                ),
                ("effective_at", models.DateTimeField(verbose_name="takes effect from")),
                ("requested_at", models.DateTimeField(verbose_name="asked")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Awaiting a supervisor"),
                            ("approved", "Approved"),
                            ("refused", "Refused: the service goes on"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided")),
                ("decision_note", models.TextField(blank=True, verbose_name="why refused")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="asked by",
                    ),
                ),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="other_reasons",
                        to="support.supportservice",
                    ),
                ),
            ],
            options={
                "verbose_name": "approval of an “other” reason",
                "verbose_name_plural": "approvals of “other” reasons",
                "ordering": ["-requested_at", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="supportservice",
            name="other_approval",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="support.otherreasonapproval",
                verbose_name="approval of “other”",
            ),
        ),
        migrations.RunPython(approve_existing_other_reasons, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="supportservice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        models.Q(("end_reason", "other"), _negated=True),
                        models.Q(("decline_reason", "other"), _negated=True),
                    ),
                    ("other_approval__isnull", False),
                    _connector="OR",
                ),
                name="support_service_other_approved",
            ),
        ),
        migrations.AddConstraint(
            model_name="otherreasonapproval",
            constraint=models.CheckConstraint(
                condition=models.Q(("step__in", ["end", "decline"])), name="support_other_step_known"
            ),
        ),
        migrations.AddConstraint(
            model_name="otherreasonapproval",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "pending")), fields=("service",), name="support_other_one_pending"
            ),
        ),
        migrations.AddConstraint(
            model_name="otherreasonapproval",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("decided_at__isnull", True), ("decided_by__isnull", True), ("status", "pending")),
                    models.Q(
                        ("decided_at__gte", models.F("requested_at")),
                        ("decided_by__isnull", False),
                        ("status", "approved"),
                    ),
                    models.Q(
                        ("decided_at__gte", models.F("requested_at")),
                        ("decided_by__isnull", False),
                        ("status", "refused"),
                        models.Q(("decision_note", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="support_other_decision_complete",
            ),
        ),
        migrations.RunSQL(TRIGGER, REVERSE),
    ]
