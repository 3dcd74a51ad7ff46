import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.accounts.models import Agency, Membership, Role, Team, User

pytestmark = pytest.mark.django_db


def test_the_demo_world_has_agencies_in_two_countries_and_every_role(capsys):
    call_command("seed_demo")
    assert set(Agency.objects.values_list("country", flat=True)) == {"PT", "ES"}
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert Team.objects.count() >= 3
    out = capsys.readouterr().out
    assert "haven-demo-2026" in out
    assert "ana.ferreira@demo.haven.invalid" in out


def test_running_it_twice_creates_nothing_new():
    call_command("seed_demo", "--quiet-logins")
    counts = (User.objects.count(), Agency.objects.count(), Team.objects.count(), Membership.objects.count())
    call_command("seed_demo", "--quiet-logins")
    assert counts == (User.objects.count(), Agency.objects.count(), Team.objects.count(), Membership.objects.count())


def test_demo_data_is_refused_where_it_is_not_allowed(settings):
    settings.HAVEN_DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="refused"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_the_demo_staff_who_work_in_the_admin_can_open_it():
    call_command("seed_demo", "--quiet-logins")
    assert User.objects.get(email="ines.duarte@demo.haven.invalid").is_staff
    assert User.objects.get(email="ana.ferreira@demo.haven.invalid").is_staff
    assert User.objects.get(email="joana.lima@demo.haven.invalid").is_staff
    assert not User.objects.get(email="paulo.reis@demo.haven.invalid").is_staff, "an analyst sees no case data"
