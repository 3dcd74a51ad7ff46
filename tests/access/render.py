"""Writes docs/access.md, the authorization matrix as tables, from docs/access-matrix.yaml.

    .venv/bin/python -m tests.access.render

tests/access/test_matrix.py fails when docs/access.md is not what this writes.
"""

import os
from pathlib import Path

from tests.access.matrix import Group, Matrix, load, resolvable_routes

DOC_FILE = Path(__file__).resolve().parents[2] / "docs" / "access.md"

# How each outcome reads in a table.
SHOWN = {
    "ok": "✓ all",
    "listed": "✓ listed",
    "unlisted": "not listed",
    "form": "✓ form",
    "page": "✓ page",
    "login": "sign in",
    "302": "302",
    "204": "204",
    "403": "403",
    "404": "404",
    "405": "405",
    "probe": "200 or 503",
}


def _cell(matrix: Matrix, group: Group, view: str, column: str) -> str:
    outcome = matrix.outcome(group, view, column)
    if outcome != "shared":
        return SHOWN[outcome]
    if group.records == "cases.Case":
        return "✓ sections: " + ", ".join(sorted(matrix.shared_sections(column)))
    return f"✓ section: {group.section}"


def _header(columns: list[str]) -> list[str]:
    names = [column.replace("/", " · ").replace("_", " ") for column in columns]
    return ["| route group | " + " | ".join(names) + " |", "|---" * (len(columns) + 1) + "|"]


def _records_table(matrix: Matrix, columns: list[str], views: tuple[str, ...]) -> list[str]:
    lines = _header(columns)
    for group in matrix.groups:
        if group.records is None:
            continue
        section = group.section or "never shared"
        cells = [_cell(matrix, group, views[0], column) for column in columns]
        lines.append(f"| `{group.records}` ({section}) | " + " | ".join(cells) + " |")
    return lines


def _routes_of(group: Group, routes: list[str]) -> list[str]:
    return [route for route in routes if group.view_of(route) is not None]


def figures(matrix: Matrix, routes: list[str]) -> dict[str, int]:
    """The matrix's size: routes, roles, relations, columns and cells (every one run over HTTP)."""
    columns = list(matrix.columns)
    cells = 0
    for route in routes:
        for group, view in matrix.group_of(route):
            cells += len(matrix.roles) if role_level(group, view) else len(columns)
    return {
        "routes": len(routes),
        "roles": len(matrix.roles),
        "relations": len(matrix.relations),
        "columns": len(columns),
        "cells": cells,
    }


def role_level(group: Group, view: str) -> bool:
    """Whether the role alone decides the cells of this view (a record type's add form, a screen
    about no child): they are asked, and counted, once per role."""
    return group.role_level or (group.records is not None and view == "add")


def render(matrix: Matrix, routes: list[str]) -> str:
    columns = list(matrix.columns)
    size = figures(matrix, routes)
    out = [
        "# Who may open what: the authorization matrix",
        "",
        "Rendered from `docs/access-matrix.yaml` (written by hand from DOMAIN.md) by",
        "`python -m tests.access.render`; do not edit by hand. `tests/access/test_matrix.py` fails",
        "when a route is missing from the matrix or an entry matches no route. Its walk asks every",
        "cell over HTTP against a world holding every record type and checks that a page open to a",
        "partner holds no field of a section its referral does not share, nor, for one who reads",
        "nothing of the case, its reference.",
        "",
        f"**Size:** {size['routes']} routes x {size['roles']} roles x {size['relations']} relations "
        f"({size['columns']} role-relation pairs that exist, the columns below); "
        f"{size['cells']} cells (a record type's add form and a screen about no "
        "child depend on the role alone: once per role).",
        "",
        "Columns: "
        + "; ".join(f"**{c.replace('/', ' · ').replace('_', ' ')}**: {w}" for c, w in matrix.columns.items()),
        "",
        "Referrals of the world: "
        + "; ".join(f"{k}: {v if isinstance(v, str) else ', '.join(v)}" for k, v in matrix.referrals.items())
        + ".",
        "",
        "Cells: ✓ all (200, everything the page shows), ✓ sections / ✓ section (200, only what the",
        "referral shares), ✓ listed / not listed (a list page with or without the case's record),",
        "✓ form, ✓ page (200, nothing of a child), 404 (as if the record did not exist), 403 (the",
        "screen is closed to the role), sign in (302 to the sign-in page), 302, 204, 405.",
        "",
        "## A child's records: the record's page (change and history)",
        "",
        *_records_table(matrix, columns, ("change",)),
        "",
        "## A child's records: the list page",
        "",
        *_records_table(matrix, columns, ("changelist",)),
        "",
        "## A child's records: delete (never deleted: 403 to those who read it, 404 to everyone else)",
        "",
        *_records_table(matrix, columns, ("delete",)),
        "",
        "## A child's records: the add form, by role",
        "",
        "| record type | " + " | ".join(matrix.roles) + " |",
        "|---" * (len(matrix.roles) + 1) + "|",
    ]
    for group in matrix.groups:
        if group.records is not None:
            cells = [SHOWN[matrix.outcome(group, "add", f"{role}/none")] for role in matrix.roles]
            out.append(f"| `{group.records}` | " + " | ".join(cells) + " |")
    out += ["", "## Other screens", ""]
    out += _header(columns)
    for group in matrix.groups:
        if group.records is not None:
            continue
        for route in _routes_of(group, routes):
            view = group.view_of(route) or "*"
            cells = [_cell(matrix, group, view, column) for column in columns]
            out.append(f"| `{route}` | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    named, _unnamed = resolvable_routes()
    DOC_FILE.write_text(render(load(), named), encoding="utf-8")


if __name__ == "__main__":
    main()
