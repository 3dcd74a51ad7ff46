"""The guardianship demo: seeded through the services, held by the rules, idempotent."""

import pytest
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN, seed_accounts
from apps.accounts.models import Membership, Role, User
from apps.alerts.models import Alert, AlertKind
from apps.alerts.selectors import alert_list
from apps.cases.demo import MARKER_PREFIX, seed_cases
from apps.cases.models import Case
from apps.cases.selectors import case_list
from apps.core.rules import Violations
from apps.guardianship import rules
from apps.guardianship.demo import seed_guardianship
from apps.guardianship.models import AppointmentKind, GuardianAppointment, GuardianProfile
from apps.guardianship.selectors import active_appointment
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db


def _user(login):
    return User.objects.get(email=f"{login}@{DEMO_DOMAIN}")


def _case(key):
    return Case.objects.get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Membership, GuardianProfile, GuardianAppointment, Alert)
    } | {"ended": GuardianAppointment.objects.filter(ends_at__isnull=False).count()}


@pytest.fixture
def seeded():
    seed_accounts()
    seed_cases()
    return seed_guardianship()


def test_seeding_again_creates_nothing(seeded):
    assert seeded.created > 0
    before = _counts()
    again = seed_guardianship()
    assert again.created == 0
    assert _counts() == before
    assert (again.active_appointments, again.overdue_alerts) == (seeded.active_appointments, seeded.overdue_alerts)


def test_profiles_are_recorded_for_the_demo_guardians(seeded):
    for login in ("joana.lima", "elena.vidal"):
        profile = GuardianProfile.objects.get(user=_user(login))
        assert profile.trained_on is not None
        assert profile.record_check_valid_until >= timezone.localdate()
    assert GuardianProfile.objects.get(user=_user("nuno.barros")).trained_on is None


def test_a_provisional_representative_and_qualified_guardians_are_appointed(seeded):
    now = timezone.now()
    alvora = active_appointment(case=_case("ALV-04"), at=now)
    assert (alvora.guardian, alvora.kind, alvora.appointed_by) == (
        _user("joana.lima"), AppointmentKind.PROVISIONAL, _user("marta.sousa"),
    )  # fmt: skip
    for key in ("ALV-05", "ALV-06", "ALV-07"):
        assert active_appointment(case=_case(key), at=now).kind == AppointmentKind.QUALIFIED
    assert _case("ALV-06") in case_list(actor=_user("joana.lima"))


def test_a_provisional_representative_steps_down_with_a_reason_when_the_guardian_comes(seeded):
    case = _case("ALV-05")
    provisional = GuardianAppointment.objects.get(case=case, kind=AppointmentKind.PROVISIONAL)
    qualified = GuardianAppointment.objects.get(case=case, kind=AppointmentKind.QUALIFIED)
    assert provisional.ends_at == qualified.starts_at
    assert stored(provisional, "end_reason")


def test_one_case_is_handed_over_without_a_gap(seeded):
    case = _case("ALV-02")
    new = GuardianAppointment.objects.get(case=case, succeeds__isnull=False)
    old = new.succeeds
    assert (old.guardian, new.guardian) == (_user("joana.lima"), _user("elena.vidal"))
    assert new.kind == AppointmentKind.QUALIFIED
    assert new.starts_at <= old.ends_at
    assert active_appointment(case=case, at=timezone.now()) == new


def test_the_rules_held_the_refused_attempts_and_nothing_was_written(seeded):
    assert set(seeded.refused) == {"GUARDIAN_NOT_ELIGIBLE.NOT_QUALIFIED", "GUARDIAN_HANDOVER_GAP"}
    assert not GuardianAppointment.objects.filter(guardian=_user("nuno.barros")).exists()
    assert not GuardianAppointment.objects.filter(case=_case("ALV-04"), guardian=_user("elena.vidal")).exists()


def test_a_child_without_a_guardian_past_the_deadline_alerts_alvoras_supervisors(seeded):
    case = _case("ALV-01")
    assert not GuardianAppointment.objects.filter(case=case).exists()
    assert rules.needs_guardian(case.child)
    keys = set(Alert.objects.filter(kind=AlertKind.GUARDIAN_OVERDUE, case=case).values_list("key", flat=True))
    assert keys == {f"provisional:{case.pk}", f"qualified:{case.pk}"}
    assert {alert.case for alert in alert_list(actor=_user("marta.sousa"))} >= {case, _case("ALV-04")}
    assert seeded.overdue_alerts >= 3
    found = Violations()
    rules.guardian_present(found, case=case, action="an age assessment", at=timezone.now())
    assert bool(found), "GUARDIAN_REQUIRED holds for it"


def test_an_unaccompanied_child_without_a_representative_alerts_montalbas_supervisors(seeded):
    case = _case("MON-02")
    assert case.child.unaccompanied
    assert not GuardianAppointment.objects.filter(case=case).exists()
    [alert] = alert_list(actor=_user("javier.ortega")).filter(case=case)
    assert alert.role == Role.SUPERVISOR
    assert "provisional representative" in alert.detail


def test_no_alert_for_a_case_that_has_its_guardian(seeded):
    for key in ("ALV-02", "ALV-05", "ALV-06", "ALV-07", "MON-01", "MON-03"):
        assert not Alert.objects.filter(kind=AlertKind.GUARDIAN_OVERDUE, case=_case(key)).exists()
