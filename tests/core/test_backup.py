"""Backups round-trip through the wheel's pg_dump and pg_restore."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.accounts.models import Agency
from tests.accounts.factories import AgencyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_backup_restores_what_was_there_and_removes_what_came_after(tmp_path):
    AgencyFactory(name="Kept Agency")
    dump = tmp_path / "haven.dump"
    call_command("db_backup", str(dump))
    assert dump.stat().st_size > 0
    Agency.objects.filter(name="Kept Agency").update(name="Renamed after the backup")
    AgencyFactory(name="Created after the backup")

    call_command("db_restore", str(dump), "--yes")

    names = set(Agency.objects.values_list("name", flat=True))
    assert "Kept Agency" in names
    assert "Created after the backup" not in names
    assert "Renamed after the backup" not in names


def test_restore_needs_an_explicit_yes(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("db_restore", str(tmp_path / "any.dump"))


def test_restore_of_a_missing_file_changes_nothing(tmp_path):
    AgencyFactory(name="Untouched")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("db_restore", str(tmp_path / "missing.dump"), "--yes")
    assert Agency.objects.filter(name="Untouched").exists()


def test_backup_to_the_default_folder(settings, tmp_path, capsys):
    settings.HAVEN_STATE_DIR = tmp_path
    call_command("db_backup")
    written = list((tmp_path / "backups").glob("haven-*.dump"))
    assert len(written) == 1
