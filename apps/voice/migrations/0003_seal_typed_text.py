"""What people type about the child is sealed with the child's key, existing rows sealed in place:
why someone of another gender than the child prefers held a session or heard the child, and
why an interpreter's declaration for the case was withdrawn.

The child's views are append-only: their guard is off for the data step only (the migration
runs as the table's owner). Their model names its manager `records` (a field is called
`objects`), so their step reads through the model's base manager; it seals exactly as
`seal_existing` does.
"""

import json
from typing import Any

from django.db import migrations, models

import apps.cases.models
from apps.cases.sealing_migration import seal_existing
from apps.core import crypto

LABEL = "why not the gender the child prefers"
VIEWS_GUARD = "voice_childviews_append_only"


def _child_key(apps: Any, child_id: int, public_id: Any) -> bytes | None:
    row = (
        apps.get_model("cases", "ChildKey")
        .objects.filter(child_id=child_id)
        .values_list("master_key_id", "wrapped")
        .first()
    )
    if row is None or row[1] is None:
        return None
    return crypto.unwrap(row[0], bytes(row[1]), owner=public_id.bytes)


def _context(public_id: Any) -> bytes:
    return f"voice_childviews.gender_reason:{public_id}".encode()


def seal_views(apps: Any, schema_editor: Any) -> None:
    views = apps.get_model("voice", "ChildViews")._base_manager
    rows = views.exclude(gender_reason="").values("pk", "case__child__id", "case__child__public_id", "gender_reason")
    for row in rows.iterator(chunk_size=500):
        key = _child_key(apps, row["case__child__id"], row["case__child__public_id"])
        sealed = None
        if key is not None:
            plaintext = json.dumps(row["gender_reason"], ensure_ascii=False, sort_keys=True).encode()
            sealed = crypto.seal(key, plaintext, context=_context(row["case__child__public_id"]))
        views.filter(pk=row["pk"]).update(gender_reason_sealed=sealed)


def open_views(apps: Any, schema_editor: Any) -> None:
    views = apps.get_model("voice", "ChildViews")._base_manager
    rows = views.filter(gender_reason_sealed__isnull=False).values(
        "pk", "case__child__id", "case__child__public_id", "gender_reason_sealed"
    )
    for row in rows.iterator(chunk_size=500):
        key = _child_key(apps, row["case__child__id"], row["case__child__public_id"])
        text = ""
        if key is not None:
            opened = crypto.unseal(
                key, bytes(row["gender_reason_sealed"]), context=_context(row["case__child__public_id"])
            )
            text = str(json.loads(opened) or "")
        views.filter(pk=row["pk"]).update(gender_reason=text)


class Migration(migrations.Migration):
    dependencies = [("voice", "0002_append_only"), ("cases", "0004_gating_facts_and_transition_integrity")]
    operations = [
        migrations.RemoveConstraint(
            model_name="interpreterdeclaration", name="voice_declaration_withdrawal_has_reason"
        ),
        migrations.AddField(
            model_name="interpreterdeclaration",
            name="withdrawn_reason_sealed",
            field=apps.cases.models.Sealed(verbose_name="why withdrawn"),
        ),
        migrations.AddField(
            model_name="informationsession",
            name="gender_reason_sealed",
            field=apps.cases.models.Sealed(verbose_name=LABEL),
        ),
        migrations.AddField(
            model_name="childviews", name="gender_reason_sealed", field=apps.cases.models.Sealed(verbose_name=LABEL)
        ),
        seal_existing("voice", "InterpreterDeclaration", {"withdrawn_reason": "withdrawn_reason_sealed"}),
        seal_existing("voice", "InformationSession", {"gender_reason": "gender_reason_sealed"}),
        migrations.RunSQL(
            f"ALTER TABLE voice_childviews DISABLE TRIGGER {VIEWS_GUARD};",
            f"ALTER TABLE voice_childviews ENABLE TRIGGER {VIEWS_GUARD};",
        ),
        migrations.RunPython(seal_views, open_views),
        migrations.RunSQL(
            f"ALTER TABLE voice_childviews ENABLE TRIGGER {VIEWS_GUARD};",
            f"ALTER TABLE voice_childviews DISABLE TRIGGER {VIEWS_GUARD};",
        ),
        migrations.RemoveField(model_name="interpreterdeclaration", name="withdrawn_reason"),
        migrations.RenameField(
            model_name="interpreterdeclaration", old_name="withdrawn_reason_sealed", new_name="withdrawn_reason"
        ),
        migrations.RemoveField(model_name="informationsession", name="gender_reason"),
        migrations.RenameField(
            model_name="informationsession", old_name="gender_reason_sealed", new_name="gender_reason"
        ),
        migrations.RemoveField(model_name="childviews", name="gender_reason"),
        migrations.RenameField(model_name="childviews", old_name="gender_reason_sealed", new_name="gender_reason"),
        migrations.AddConstraint(
            model_name="interpreterdeclaration",
            constraint=models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | models.Q(withdrawn_reason__isnull=False),
                name="voice_declaration_withdrawal_has_reason",
            ),
        ),
    ]
