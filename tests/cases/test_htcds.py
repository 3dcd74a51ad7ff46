"""Stored values are HTCDS's; Haven's additions declare their projection; states map once."""

import csv
from pathlib import Path

import pytest

from apps.cases import htcds
from apps.cases.models import STATE_HTCDS_STATUS, CaseState

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT.parent / "shared" / "data" / "htcds-2.0-fields.csv", ROOT / "docs" / "htcds-2.0-fields.csv"]


def _picklist(field: str) -> set[str]:
    source = next(p for p in SOURCES if p.exists())
    with source.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Field Name including Prefix"] == field:
                return {v.strip() for v in row["Value Names (if picklist)"].splitlines() if v.strip()}
    raise AssertionError(f"{field} not in HTCDS")


@pytest.mark.parametrize(
    ("field", "choices", "projection"),
    [
        ("vic_TypeOfExploitation", htcds.ExploitationForm, htcds.EXPLOITATION_HTCDS_PROJECTION),
        ("vic_MethodsOfControl", htcds.ControlMethod, {}),
        ("vic_MethodOfRecruitment", htcds.RecruitmentMethod, {}),
        ("vic_RelationshipToTrafficker", htcds.RelationshipToTrafficker, htcds.RELATIONSHIP_HTCDS_PROJECTION),
        ("prs_Gender", htcds.Gender, {}),
    ],
)
def test_values_are_htcds_names_or_declared_additions(field, choices, projection):
    standard = _picklist(field)
    assert standard <= set(choices.values), "every HTCDS value can be recorded"
    additions = set(choices.values) - standard
    assert additions == set(projection), "each value Haven adds declares its projection"
    for value in choices.values:
        projected = htcds.project(value, projection)
        assert projected is None or projected in standard


def test_every_workflow_state_maps_to_an_htcds_case_status():
    assert set(STATE_HTCDS_STATUS) == set(CaseState.values)
    assert set(STATE_HTCDS_STATUS.values()) <= _picklist("cas_Status")


def test_identification_status_projects_onto_trafficking_status():
    assert set(htcds.IDENTIFICATION_HTCDS_PROJECTION.values()) <= _picklist("vic_TraffickingStatus")
    assert set(htcds.SEX_HTCDS_PROJECTION.values()) <= _picklist("prs_Gender")
