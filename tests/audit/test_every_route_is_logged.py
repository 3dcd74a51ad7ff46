"""Every admin route that shows a child's record logs the read, allowed or denied.

Walked from outside, over HTTP, for every registered admin whose model concerns a case
(derived from the model, not listed by hand): the list page, the record's page and its
history as a person who may see the case, each leaving an allowed row for that case; the
record's page, history and delete page as a caseworker of another agency and as the
case's former guardian, each answering 404 and leaving a denied row naming the case; and
an id that matches nothing, a 404 with a denied row without a case.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Agency, Role, User
from apps.audit.models import RecordAccess
from apps.cases import vault
from apps.cases.models import Case
from apps.cases.reading import ReadLoggedAdmin, case_ids_of, case_path
from apps.core.demo import seed_demo_world
from apps.guardianship.models import AppointmentKind, GuardianAppointment
from tests.access.world import records_the_demo_lacks
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.care.factories import case_with_staff
from tests.guardianship.factories import eligible_guardian

DAY = timedelta(days=1)


def _case_admins() -> list[tuple[type[Model], admin.ModelAdmin]]:
    """Every registered admin whose model concerns a case, derived from the model."""
    found = [
        (model, model_admin) for model, model_admin in admin.site._registry.items() if case_path(model) is not None
    ]
    return sorted(found, key=lambda pair: pair[0]._meta.label)


def _url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _staff(user: User) -> User:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def _rows(person: User, case_ids: set[int], *, allowed: bool) -> int:
    return RecordAccess.objects.filter(actor=person, case_id__in=case_ids, allowed=allowed, channel="admin").count()


@dataclass
class Walk:
    routes: int = 0
    allowed_rows: int = 0
    denied_rows: int = 0
    failures: list[str] = field(default_factory=list)
    supervisors: dict[int, User] = field(default_factory=dict)
    former_guardians: dict[int, User] = field(default_factory=dict)

    def supervisor_of(self, agency_id: int) -> User:
        if agency_id not in self.supervisors:
            person = cast(User, MembershipFactory(role=Role.SUPERVISOR, agency=Agency.objects.get(pk=agency_id)).user)
            self.supervisors[agency_id] = _staff(person)
        return self.supervisors[agency_id]

    def former_guardian_of(self, case: Case) -> User:
        """A guardian whose appointment on this case ended a month ago."""
        if case.pk not in self.former_guardians:
            guardian = _staff(eligible_guardian())
            now = timezone.now()
            GuardianAppointment.objects.create(
                case=case, guardian=guardian, kind=AppointmentKind.QUALIFIED, starts_at=now - 90 * DAY,
                ends_at=now - 30 * DAY, appointed_by=self.supervisor_of(case.owning_agency_id),
                end_reason=vault.seal(case.child, vault.data_key(case.child), GuardianAppointment, "end_reason",
                                      "Moved to another region (fictional)."),
            )  # fmt: skip
            self.former_guardians[case.pk] = guardian
        return self.former_guardians[case.pk]

    def visit(self, client: Client, person: User, url: str, *, cases: set[int], allowed: bool, label: str) -> None:
        client.force_login(person)
        before = _rows(person, cases, allowed=allowed)
        status = client.get(url).status_code
        grown = _rows(person, cases, allowed=allowed) - before
        self.routes += 1
        if allowed:
            self.allowed_rows += grown
            if status != 200 or grown < 1:
                self.failures.append(f"{label}: {status}, {grown} allowed row(s) for {url}")
        else:
            self.denied_rows += grown
            if status != 404 or grown < 1:
                self.failures.append(f"{label}: {status}, {grown} denied row(s) for {url}")


def _shown_record(client: Client, walk: Walk, model: type[Model]) -> tuple[User, Any] | None:
    """A record of `model` on the list page of a supervisor of its case's agency (the list page logged)."""
    path = case_path(model)
    agency_path = "owning_agency" if path == "" else f"{path}__owning_agency"
    agencies = sorted({pk for pk in model._default_manager.values_list(agency_path, flat=True) if pk is not None})
    for agency_id in agencies:
        person = walk.supervisor_of(agency_id)
        client.force_login(person)
        before = RecordAccess.objects.filter(actor=person, allowed=True).count()
        response = client.get(_url(model, "changelist"))
        if response.status_code != 200:
            continue
        shown = [record for record in response.context["cl"].result_list if case_ids_of([record])]
        if shown:
            walk.routes += 1
            grown = RecordAccess.objects.filter(actor=person, allowed=True).count() - before
            walk.allowed_rows += grown
            if grown < 1:
                walk.failures.append(f"{model._meta.label} list: no allowed row")
            return person, shown[0]
    return None


def test_every_admin_of_a_case_related_model_is_on_the_read_logging_kit():
    outside = [
        model._meta.label for model, model_admin in _case_admins() if not isinstance(model_admin, ReadLoggedAdmin)
    ]
    assert outside == []


@pytest.mark.django_db
def test_every_route_that_shows_a_childs_record_logs_the_read_allowed_or_denied(client):
    seed_demo_world()
    records_the_demo_lacks()
    walk = Walk()
    stranger = _staff(MembershipFactory(role=Role.CASEWORKER, agency=AgencyFactory()).user)
    admins = _case_admins()

    for model, _model_admin in admins:
        label = model._meta.label
        found = _shown_record(client, walk, model)
        if found is None:
            walk.failures.append(f"{label}: no record to walk")
            continue
        person, record = found
        cases = case_ids_of([record])
        case = Case.objects.select_related("child").get(pk=min(cases))
        for view in ("change", "history"):
            url = _url(model, view, record.pk)
            walk.visit(client, person, url, cases=cases, allowed=True, label=f"{label} {view}")
        former_guardian = walk.former_guardian_of(case)
        for view in ("change", "history", "delete"):
            url = _url(model, view, record.pk)
            walk.visit(client, stranger, url, cases=cases, allowed=False, label=f"{label} {view}, other agency")
            walk.visit(
                client, former_guardian, url, cases=cases, allowed=False, label=f"{label} {view}, former guardian"
            )
        # An id that matches nothing: a 404, denied, naming no case.
        client.force_login(person)
        before = RecordAccess.objects.filter(actor=person, case__isnull=True, allowed=False).count()
        status = client.get(_url(model, "change", 2_000_000_000)).status_code
        grown = RecordAccess.objects.filter(actor=person, case__isnull=True, allowed=False).count() - before
        walk.routes += 1
        walk.denied_rows += grown
        if status != 404 or grown != 1:
            walk.failures.append(f"{label} change of no record: {status}, {grown} denied row(s)")

    print(
        f"\nRead-log walk: {len(admins)} record types, {walk.routes} routes walked, "
        f"{walk.allowed_rows} allowed rows and {walk.denied_rows} denied rows counted"
    )
    assert walk.failures == []


@pytest.mark.django_db
def test_the_case_timeline_page_logs_the_read_allowed_or_denied(client):
    case, caseworker, _boss = case_with_staff()
    stranger = _staff(MembershipFactory(role=Role.CASEWORKER, agency=AgencyFactory()).user)
    timeline = reverse("admin:casework_case_timeline", args=[case.pk])

    client.force_login(_staff(caseworker))
    assert client.get(timeline).status_code == 200
    client.force_login(stranger)
    assert client.get(timeline).status_code == 404
    assert client.get(reverse("admin:casework_case_timeline", args=[2_000_000_000])).status_code == 404

    assert _rows(caseworker, {case.pk}, allowed=True) == 1
    assert _rows(stranger, {case.pk}, allowed=False) == 1
    assert RecordAccess.objects.filter(actor=stranger, case__isnull=True, allowed=False).count() == 1
