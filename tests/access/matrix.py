"""docs/access-matrix.yaml read: its columns, its route groups and the outcome of every cell.

The yaml is written by hand; this module only reads it, so the HTTP walk (test_matrix.py) and
the rendered table (render.py, docs/access.md) answer from the same cells.
"""

import fnmatch
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

MATRIX_FILE = Path(__file__).resolve().parents[2] / "docs" / "access-matrix.yaml"

# Outcomes that answer 200 with a page.
PAGES = frozenset({"ok", "shared", "listed", "unlisted", "form", "page"})
OUTCOMES = PAGES | {"302", "204", "login", "403", "404", "405", "probe"}
# Outcomes for a record the person reads, and for one they do not.
READ_OUTCOMES = frozenset({"ok", "shared", "listed"})


@dataclass(frozen=True)
class Group:
    """One entry of `groups`: the routes it matches and how its cells are decided."""

    index: int
    patterns: tuple[str, ...]
    records: str | None  # "app.Model" for a group of a child's records
    section: str | None
    screen: frozenset[str]
    add: frozenset[str]
    case: bool  # its detail routes open one case's record
    cells: dict[str, dict[str, str]]

    @property
    def title(self) -> str:
        return self.records or ", ".join(self.patterns)

    def view_of(self, route: str) -> str | None:
        """The view this group gives `route` (what its `*` stands for), None when it does not match."""
        for pattern in self.patterns:
            if fnmatch.fnmatchcase(route, pattern):
                prefix = pattern.split("*", 1)[0]
                return route[len(prefix) :] if "*" in pattern else "*"
        return None

    @property
    def role_level(self) -> bool:
        """Whether every cell depends on the role alone (no column names a relation)."""
        if self.records is not None or self.case:
            return False
        return all("/" not in key for row in self.cells.values() for key in row)


@dataclass(frozen=True)
class Matrix:
    roles: tuple[str, ...]
    relations: dict[str, str]
    columns: dict[str, str]  # "role/relation" -> who that is
    referrals: dict[str, list[str] | str]
    whole: frozenset[str]
    shared: frozenset[str]
    role_sets: dict[str, frozenset[str]]
    records_views: tuple[str, ...]
    groups: tuple[Group, ...]

    def group_of(self, route: str) -> list[tuple[Group, str]]:
        """Every group matching `route`, with the view it gives it."""
        found = []
        for group in self.groups:
            view = group.view_of(route)
            if view is not None:
                found.append((group, view))
        return found

    def reads(self, column: str, section: str | None) -> str | None:
        """What `column` reads of a record of `section`: "whole", "shared" or None."""
        if column in self.whole:
            return "whole"
        if column in self.shared and section is not None and section in self.shared_sections(column):
            return "shared"
        return None

    def shared_sections(self, column: str) -> frozenset[str]:
        """The sections the referral of a partner column shares (`record`, naming the case, always)."""
        if column not in self.shared:
            return frozenset()
        relation = column.split("/", 1)[1]
        named = self.referrals[relation]
        if named == "default":
            from apps.cases.sections import SHARED_BY_DEFAULT

            return frozenset(str(s) for s in SHARED_BY_DEFAULT) | {"record"}
        return frozenset(named) | {"record"}

    def outcome(self, group: Group, view: str, column: str) -> str:
        """The matrix's answer for `column` on the route of `group` giving `view`."""
        role = column.split("/", 1)[0]
        if group.records is not None:
            return self._record_outcome(group, view, column, role)
        row = group.cells.get(view, group.cells.get("*"))
        if row is None:
            raise KeyError(f"{group.title}: no cells for view {view!r}")
        for key in (column, role, "*"):
            if key in row:
                return row[key]
        raise KeyError(f"{group.title} {view}: no cell for {column}")

    def _record_outcome(self, group: Group, view: str, column: str, role: str) -> str:
        if view not in self.records_views:
            raise KeyError(f"{group.title}: {view!r} is not a view of a record type")
        reads = self.reads(column, group.section)
        opens = role in group.screen
        answers = {
            "changelist": ("listed" if reads else "unlisted") if opens else "403",
            "add": "form" if role in group.add else "403",
            "change": "404" if reads is None else ("403" if not opens else "ok" if reads == "whole" else "shared"),
            "delete": "404" if reads is None else "403",  # a child's records are never deleted
        }
        answers["history"] = answers["change"]
        return "login" if role == "anonymous" else answers[view]


def _patterns(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@cache
def load() -> Matrix:
    data = yaml.safe_load(MATRIX_FILE.read_text(encoding="utf-8"))
    role_sets = {name: frozenset(roles) for name, roles in data["role_sets"].items()}
    groups = []
    for index, entry in enumerate(data["groups"]):
        records = entry.get("records")
        cells = {str(view): {str(k): str(v) for k, v in row.items()} for view, row in entry.get("cells", {}).items()}
        groups.append(
            Group(
                index=index,
                patterns=_patterns(entry["routes"]),
                records=records,
                section=entry.get("section"),
                screen=role_sets[entry["screen"]] if records else frozenset(),
                add=role_sets[entry["add"]] if records else frozenset(),
                case=bool(records) or bool(entry.get("case", False)),
                cells=cells,
            )
        )
    return Matrix(
        roles=tuple(data["roles"]),
        relations=dict(data["relations"]),
        columns=dict(data["columns"]),
        referrals=dict(data["referrals"]),
        whole=frozenset(data["readers"]["whole"]),
        shared=frozenset(data["readers"]["shared"]),
        role_sets=role_sets,
        records_views=tuple(data["records_views"]),
        groups=tuple(groups),
    )


def resolvable_routes() -> tuple[list[str], list[str]]:
    """Every named route Django resolves ("namespace:name"), and the unnamed ones by pattern."""
    from django.urls import URLPattern, URLResolver, get_resolver

    named: set[str] = set()
    unnamed: list[str] = []

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                space = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), space)
            elif isinstance(pattern, URLPattern):
                if pattern.name is None:
                    unnamed.append(prefix + str(pattern.pattern))
                else:
                    named.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "", None)
    return sorted(named), unnamed
