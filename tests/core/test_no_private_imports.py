"""No app imports another app's private (`_name`) helpers: what one app offers the others is
public and documented (the service-admin kit lives in apps/core/admin.py). Importing a private
name inside the same app is fine, and so is an alias such as `gettext as _`."""

import ast
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parents[2] / "apps"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _package(path: Path, root: Path) -> list[str]:
    """The dotted package the module belongs to, e.g. ["apps", "care"] for apps/care/admin.py."""
    parts = ["apps", *path.relative_to(root).with_suffix("").parts]
    return parts if path.name == "__init__.py" else parts[:-1]


def _imported(path: Path, root: Path) -> list[tuple[int, list[str], str | None]]:
    """(line, module's dotted parts, name imported from it or None) for each import in the module."""
    found: list[tuple[int, list[str], str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name.split("."), None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            package = _package(path, root)
            base = package[: len(package) - node.level + 1] if node.level else []
            module = [*base, *(node.module.split(".") if node.module else [])]
            found.extend((node.lineno, module, alias.name) for alias in node.names)
    return found


def private_imports_across_apps(root: Path = APPS) -> list[str]:
    """Every import, in a module under `root`, of a private name or module of another app."""
    offences = []
    for path in sorted(root.rglob("*.py")):
        own_app = path.relative_to(root).parts[0]
        for line, module, name in _imported(path, root):
            if len(module) < 2 or module[0] != "apps" or module[1] == own_app:
                continue
            private = [part for part in module[2:] if _private(part)]
            if name is not None and _private(name):
                private.append(name)
            if private:
                where = f"{path.relative_to(root.parent)}:{line}"
                offences.append(f"{where} imports {', '.join(private)} from {'.'.join(module)}")
    return offences


def test_no_app_imports_another_apps_private_names() -> None:
    assert private_imports_across_apps() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from apps.care.admin import ServiceForm, _when\n", ["imports _when from apps.care.admin"]),
        ("from apps.care import _rules\n", ["imports _rules from apps.care"]),
        ("import apps.care._rules\n", ["imports _rules from apps.care._rules"]),
        ("from ..care.admin import _when\n", ["imports _when from apps.care.admin"]),
        ("def f():\n    from apps.care.admin import _actor as actor\n", ["imports _actor from apps.care.admin"]),
        ("from apps.family.admin import _relatives\n", []),
        ("from .admin import _relatives\n", []),
        ("from django.utils.translation import gettext as _\n", []),
        ("from apps.care.admin import ServiceAdmin as _Base\n", []),
        ("from apps.care import __version__\n", []),
    ],
)
def test_the_scan_tells_another_apps_private_names_from_everything_else(
    tmp_path: Path, source: str, expected: list[str]
) -> None:
    module = tmp_path / "apps" / "family" / "forms.py"
    module.parent.mkdir(parents=True)
    module.write_text(source, encoding="utf-8")
    found = [offence.split(" ", 1)[1] for offence in private_imports_across_apps(tmp_path / "apps")]
    assert found == expected
