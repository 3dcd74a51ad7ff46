"""The authorization matrix (docs/access-matrix.yaml) holds: every route is in it, once, and the
matrix agrees with the section catalogue and its rendered table. The walk below asks every cell
over HTTP.

Walked from outside: for each route and each column (a role holding a relation to the case),
the person of that column asks for the page with the test client, signed in; the status must be
the matrix's, a list page must list the case's record exactly when the person reads it, and a page
answered with 200 must hold no marker of a section the person does not read (nor, for a person
who reads nothing of the case, its reference). Cells the matrix says depend on the role alone (a
record type's add form, a screen about no child) are asked once per role.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from apps.cases.models import Case
from apps.cases.sections import RECORD_SECTIONS
from tests.access.matrix import PAGES, Group, Matrix, load, resolvable_routes
from tests.access.render import DOC_FILE, render, role_level
from tests.access.world import CASE_MARKERS, CHILD_MARKERS, MARKERS, World, build_world

# The patterns Django's admin serves without a name: the old address of each record's page (a
# redirect to its change page) and the catch-all that answers 404 to the rest.
OLD_RECORD_ADDRESS = re.compile(r"admin/[a-z]+/[a-z]+/<path:object_id>/")
CATCH_ALL = "admin/(?P<url>.*)$"
# The views Django's admin gives every registered model.
RECORD_VIEWS = frozenset({"changelist", "add", "change", "history", "delete"})


def test_every_route_is_in_the_matrix_once_and_every_entry_matches_a_route():
    matrix = load()
    named, unnamed = resolvable_routes()
    missing = [route for route in named if not matrix.group_of(route)]
    twice = [route for route in named if len(matrix.group_of(route)) > 1]
    unused = [group.title for group in matrix.groups if not any(group.view_of(route) for route in named)]
    views = {view for route in named for group, view in matrix.group_of(route) if group.records is not None}
    assert missing == [], "routes the matrix does not list"
    assert twice == [], "routes more than one group of the matrix lists"
    assert unused == [], "groups of the matrix that match no route"
    assert views <= set(matrix.records_views), "views of a record type the matrix has no rule for"
    odd = [p for p in unnamed if not OLD_RECORD_ADDRESS.fullmatch(p) and p != CATCH_ALL]
    assert odd == [], "unnamed routes besides the admin's old record addresses and catch-all"


def test_every_column_is_a_role_and_a_relation_of_the_matrix():
    matrix = load()
    pairs = [column.split("/", 1) for column in matrix.columns]
    assert [role for role, _ in pairs if role not in matrix.roles] == []
    assert [relation for _, relation in pairs if relation not in matrix.relations] == []
    assert set(matrix.roles) == {role for role, _ in pairs}


def test_each_record_types_section_in_the_matrix_is_the_catalogues():
    """Written twice by hand, from DOMAIN.md: the matrix and apps/cases/sections.py agree."""
    matrix = load()
    catalogue = {label: (None if section is None else str(section)) for label, section in RECORD_SECTIONS.items()}
    catalogue["cases.Case"] = "record"
    differ = {
        group.records: (group.section, catalogue.get(group.records, "not catalogued"))
        for group in matrix.groups
        if group.records is not None and catalogue.get(group.records, "not catalogued") != group.section
    }
    assert differ == {}


def test_docs_access_md_is_the_matrix_rendered():
    named, _unnamed = resolvable_routes()
    assert DOC_FILE.read_text(encoding="utf-8") == render(load(), named), "run: python -m tests.access.render"


# --- The walk ---------------------------------------------------------------------------------
def _admin_models() -> dict[str, type[Model]]:
    """ "admin:<app>_<model>_" -> the model, for every registered admin."""
    return {f"admin:{m._meta.app_label}_{m._meta.model_name}_": m for m in admin.site._registry}


@dataclass
class Cell:
    route: str
    group: Group
    view: str
    column: str
    url: str
    case: Case | None  # the case whose record the page opens
    record: Model | None


@dataclass
class Walk:
    matrix: Matrix
    world: World
    clients: dict[str, Client] = field(default_factory=dict)
    cells: int = 0
    failures: list[str] = field(default_factory=list)

    def client(self, column: str, case: Case | None) -> Client:
        person = self.world.person(column, case.pk if case else None)
        key = f"{column}:{getattr(person, 'pk', None)}"
        if key not in self.clients:
            client = Client()
            if person is not None:
                client.force_login(person)
            self.clients[key] = client
        return self.clients[key]

    def forbidden(self, column: str, case: Case | None) -> list[str]:
        """What a page shown to `column` must not hold: markers of the sections they do not read,
        and for one who reads nothing of the case, its reference."""
        cases = [case] if case is not None else self.world.cases
        if column in self.matrix.whole:
            return []
        shared = self.matrix.shared_sections(column)
        found = [marker for section, marker in MARKERS.items() if section not in shared]
        if not shared:
            found += [c.reference for c in cases]
        return found

    def run(self, cell: Cell, outcome: str) -> None:
        client = self.client(cell.column, cell.case)
        response = client.get(cell.url)
        self.cells += 1
        problem = self._problem(cell, outcome, response)
        if problem:
            self.failures.append(f"{cell.route} as {cell.column}: expected {outcome}, {problem}")

    def _problem(self, cell: Cell, outcome: str, response: Any) -> str | None:
        status = response.status_code
        location = response.get("Location", "")
        if outcome == "probe":
            expected = status in {200, 503}
        elif outcome in {"login", "302"}:
            expected = status == 302 and ("login" in location) == (outcome == "login")
        else:
            expected = status == (200 if outcome in PAGES else int(outcome))
        if not expected:
            return f"got {status} {location}".rstrip()
        if status != 200:
            return None
        if outcome in {"listed", "unlisted"}:
            problem = self._listing(cell, outcome, response)
            if problem:
                return problem
        body = response.content.decode("utf-8", errors="replace")
        shown = [text for text in self.forbidden(cell.column, cell.case) if re.search(rf"\b{re.escape(text)}\b", body)]
        return f"the page shows {shown}" if shown else None

    @staticmethod
    def _listing(cell: Cell, outcome: str, response: Any) -> str | None:
        """Whether the list, as the page built it, holds the record exactly when the matrix says so."""
        changelist = response.context["cl"] if response.context else None
        if changelist is None or cell.record is None:
            return "no list page"
        listed = changelist.queryset.filter(pk=cell.record.pk).exists()
        if listed != (outcome == "listed"):
            return "listed" if listed else "not listed"
        return None


def _address(route: str, world: World) -> tuple[list[Any], dict[str, Any], Case | None]:
    """The arguments of a route that is not a record's page, and the case it opens (if any)."""
    first = world.cases[0]
    if route in {"admin:casework_case_timeline", "admin:history_change_case"}:
        return [first.pk], {}, first
    if route == "cases:document_download":
        return [world.document.pk], {}, first
    if route == "admin:view_on_site":
        return [ContentType.objects.get_for_model(Case).pk, first.pk], {}, first
    if route == "admin:app_list":
        return [], {"app_label": "cases"}, None
    if route == "password_reset_confirm":
        return ["MQ", "set-password"], {}, None
    return [], {}, None


def _record_of(route: str, group: Group, world: World) -> Model | None:
    """The record whose pages a route of a record type opens."""
    if group.records is not None:
        return world.records[group.records]
    if route.startswith("admin:alerts_alert_"):
        return world.alert
    for prefix, model in _admin_models().items():
        if route.startswith(prefix) and route[len(prefix) :] in RECORD_VIEWS:
            return world.records[model._meta.label]
    return None


def _cells(matrix: Matrix, world: World, route: str, group: Group, view: str) -> list[Cell]:
    """The cells of one route: every column, or one column per role where the role alone decides."""
    columns = [c for c in matrix.columns if c not in world.not_built]
    if role_level(group, view):
        columns = [next(c for c in columns if c.split("/", 1)[0] == role) for role in matrix.roles]
    args, kwargs, case = _address(route, world)
    record = _record_of(route, group, world)
    if record is not None:
        if group.case:
            case = record if isinstance(record, Case) else world.case_of(record)
        if view in {"change", "history", "delete"}:
            args = [record.pk]
    url = reverse(route, args=args, kwargs=kwargs)
    return [Cell(route, group, view, column, url, case, record) for column in columns]


# The routes in shards, each a test, so the walk spreads over the workers and a failure names its
# routes; the world is built once per worker (it takes a while) and rolled back at the end.
SHARDS = 12


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def _shard(index: int) -> list[str]:
    named, _unnamed = resolvable_routes()
    return [route for number, route in enumerate(named) if number % SHARDS == index]


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_cell_of_the_matrix_answers_as_it_says_over_http(db: None, world: World, shard: int) -> None:
    matrix = load()
    walk = Walk(matrix=matrix, world=world)
    for route in _shard(shard):
        for group, view in matrix.group_of(route):
            try:
                cells = _cells(matrix, world, route, group, view)
            except (KeyError, LookupError) as missing:
                walk.failures.append(f"{route}: no record in the world to open ({missing})")
                continue
            for cell in cells:
                walk.run(cell, matrix.outcome(group, view, cell.column))
    assert walk.cells > 0
    assert not walk.failures, "\n".join(walk.failures)


def test_the_markers_the_walk_looks_for_are_on_the_own_caseworkers_case_page(db: None, world: World) -> None:
    # Otherwise a page could leak a section and the walk would not notice.
    own = Walk(matrix=load(), world=world).client("caseworker/own_agency", world.cases[0])
    case_page = own.get(reverse("admin:cases_case_change", args=[world.cases[0].pk])).content.decode()
    unseen = [MARKERS[s] for s in (*CASE_MARKERS.values(), *CHILD_MARKERS.values()) if MARKERS[s] not in case_page]
    assert not unseen, f"{unseen} not on the page:\n{case_page}"
