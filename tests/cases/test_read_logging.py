"""Every opening of a child's sealed values for a person is a logged read (issue 10 §6e).

Outside apps/cases, only the system paths allowed below call the vault; everything shown to
a person goes through `apps.cases.reading`, which writes one read row per case per reading.
"""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from apps.accounts.models import Agency
from apps.audit.models import RecordAccess
from apps.bestinterests.services import bia_start, bia_update
from apps.care.models import ChildTie, Placement, PlacementKind
from apps.care.selectors import placement_address
from apps.care.services import placement_record
from apps.cases import services as case_services
from apps.cases.models import Case
from apps.cases.reading import SealedReader, case_path, current_reader, reader_for, reading, record_for
from apps.casework.models import NoteAccess
from apps.casework.selectors import case_timeline
from apps.complaints.models import LodgedBy
from apps.complaints.services import complaint_text
from apps.rights.models import ProceedingInterview
from apps.safety import selectors as safety_selectors
from apps.safety.models import RiskLevel
from apps.safety.services import risk_assessment_record
from apps.support import selectors as support_selectors
from apps.support.models import ServiceKind
from apps.support.services import service_request
from tests.bestinterests.factories import world as bid_world
from tests.care.factories import case_with_staff
from tests.casework.factories import note, team_world
from tests.complaints.factories import lodge
from tests.family.factories import relative_of

pytestmark = pytest.mark.django_db

APPS = Path(__file__).resolve().parents[2] / "apps"

# Where apps/ may call the vault's opening primitives, and why. Anything else showing a child's
# sealed value to a person goes through apps.cases.reading (a logged read).
ALLOWED_VAULT_OPENINGS = {
    # The logged openers themselves.
    "cases/reading.py:SealedReader.opened": "the reader: logs one read per case",
    "cases/services.py:_open_identity.opened": "behind child_identity / case_record_open, which log",
    "cases/services.py:_open_case_sealed": "behind case_sealed_values / case_record_open, which log",
    "cases/services.py:_open_child_sealed": "behind case_record_open, which logs",
    "cases/services.py:document_open": "logs the document read before opening it",
    # System paths: a value opened to apply a rule inside a service, shown to nobody.
    "cases/services.py:child_identity_update": "the old birth date, compared inside the actor's own write",
    "age/selectors.py:opened_date": "birth dates weighed to apply the presumption of minority (R2)",
    "age/services.py:child_has_disabilities": "whether an assessment must adapt (a yes/no, no value shown)",
    "solutions/selectors.py:birth_date_that_counts": "the day of coming of age, for reminders (R9)",
    "support/services.py:_approved_text": "an approved reason copied, sealed, into the service's note",
}


def _vault_openings() -> set[str]:
    found: set[str] = set()
    for path in sorted(APPS.rglob("*.py")):
        if "migrations" in path.parts:
            continue

        def walk(node: ast.AST, scope: list[str], where: Path = path) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    walk(child, [*scope, child.name])
                    continue
                if isinstance(child, ast.Call):
                    func = child.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                    if name in {"open_sealed", "open_bytes"}:
                        found.add(f"{where.relative_to(APPS).as_posix()}:{'.'.join(scope) or '<module>'}")
                walk(child, scope)

        walk(ast.parse(path.read_text()), [])
    return found


def test_no_code_outside_the_allow_list_opens_a_childs_sealed_values_without_a_read_log():
    assert _vault_openings() - set(ALLOWED_VAULT_OPENINGS) == set()


def test_the_allow_list_names_only_places_that_still_open_the_vault():
    assert set(ALLOWED_VAULT_OPENINGS) - _vault_openings() == set()


def _reads(actor, case):
    return list(RecordAccess.objects.filter(actor_id=actor.pk, case=case).values_list("action", "channel", "allowed"))


def _staff(*users):
    for user in users:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


# --- The reader ----------------------------------------------------------------------------------
def test_a_reader_logs_one_read_per_case_however_many_values_it_opens():
    case, caseworker, _boss = case_with_staff()
    other, other_worker, _ = case_with_staff(agency=case.owning_agency)
    mother = relative_of(case, caseworker)
    aunt = relative_of(other, other_worker, names="Amina")
    reader = SealedReader(actor=caseworker, channel="web")
    assert reader.text(mother, "names", case=case) == "Khadija Benali"
    assert reader.text(mother, "whereabouts", case=case) == "Tangier, old medina"
    assert reader.text(aunt, "names", case=other) == "Amina"
    assert _reads(caseworker, case) == [("view", "web", True)]
    assert _reads(caseworker, other) == [("view", "web", True)]


def test_an_anonymised_childs_value_opens_as_none_and_logs_nothing():
    case, caseworker, boss = case_with_staff()
    mother = relative_of(case, caseworker)
    case_services.child_anonymise(actor=boss, child=case.child)
    assert SealedReader(actor=caseworker, channel="web").text(mother, "names", case=case) is None
    assert _reads(caseworker, case) == []


def test_outside_a_reading_there_is_no_current_reader():
    with pytest.raises(LookupError):
        current_reader()


def test_a_selector_reuses_the_reader_of_the_request_for_the_same_person_and_channel():
    _case, caseworker, boss = case_with_staff()
    page = SealedReader(actor=caseworker, channel="admin")
    with reading(page):
        assert reader_for(actor=caseworker, channel="admin") is page
        assert reader_for(actor=caseworker, channel="web") is not page
        assert reader_for(actor=boss, channel="admin") is not page


# --- Loading a record for a person: the load itself is the logged read --------------------------
def test_loading_a_record_of_a_case_one_sees_logs_one_read_whatever_is_opened():
    case, caseworker, _boss = case_with_staff()
    placement = placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER, address="Rua do Sol 3")
    found = record_for(actor=caseworker, queryset=Placement.objects.all(), pk=placement.pk, channel="web")
    assert found == placement
    assert _reads(caseworker, case) == [("view", "web", True)]


def test_a_record_of_a_case_one_does_not_see_is_none_and_a_denied_read_naming_its_case():
    case, caseworker, _boss = case_with_staff()
    placement = placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER, address="Rua do Sol 3")
    _other, stranger, _ = case_with_staff()
    # Whatever the caller's queryset lets through, the case's visibility decides.
    assert record_for(actor=stranger, queryset=Placement.objects.all(), pk=placement.pk, channel="api") is None
    assert _reads(stranger, case) == [("view", "api", False)]


def test_an_id_that_matches_nothing_is_a_denied_read_without_a_case():
    _case, caseworker, _boss = case_with_staff()
    for pk in (2_000_000_000, "not-a-number"):
        assert record_for(actor=caseworker, queryset=Placement.objects.all(), pk=pk, channel="web") is None
    assert list(RecordAccess.objects.filter(actor_id=caseworker.pk).values_list("case_id", "allowed")) == [
        (None, False),
        (None, False),
    ]


def test_the_way_from_a_record_to_its_case_is_derived_from_the_model():
    assert case_path(Case) == ""
    assert case_path(Placement) == "case"
    assert case_path(ProceedingInterview) == "proceeding__case"
    assert case_path(ChildTie) == "child__cases"
    assert case_path(Agency) is None


# --- Selectors: each opening for a person writes a read with actor and channel ---------------------
def test_a_placement_address_opened_for_a_person_is_one_read_with_its_action():
    case, caseworker, _boss = case_with_staff()
    placement = placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER, address="Rua do Sol 3")
    assert placement_address(actor=caseworker, placement_id=placement.pk, channel="api") == "Rua do Sol 3"
    assert ("placement_address", "api", True) in _reads(caseworker, case)
    assert len(_reads(caseworker, case)) == 1


def test_a_risk_narrative_opened_through_the_safety_selector_is_a_logged_read():
    case, caseworker, _boss = case_with_staff()
    assessment = risk_assessment_record(
        actor=caseworker,
        case=case,
        expected_version=case.version,
        level=RiskLevel.HIGH,
        narrative="A car outside the school",
    )
    opened = safety_selectors.sealed_text(assessment, "narrative", actor=caseworker, channel="web")
    assert opened == "A car outside the school"
    assert _reads(caseworker, case) == [("view", "web", True)]


def test_a_support_need_opened_through_the_support_selector_is_a_logged_read():
    case, caseworker, _boss = case_with_staff()
    service = service_request(
        actor=caseworker,
        case=case,
        kind=ServiceKind.LEGAL_ASSISTANCE,
        provider_name="Legal aid (fictional)",
        needs="A lawyer (fictional)",
    )
    opened = support_selectors.sealed_text(service, "needs", actor=caseworker, channel="api")
    assert opened == "A lawyer (fictional)"
    assert _reads(caseworker, case) == [("view", "api", True)]


def test_a_complaint_text_opened_for_a_person_is_a_logged_read():
    case, caseworker, _boss = case_with_staff()
    complaint = lodge(caseworker, case, lodged_by=LodgedBy.CHILD, text="Nobody listens (fictional).")
    before = len(_reads(caseworker, case))
    assert complaint_text(complaint, actor=caseworker, channel="web") == "Nobody listens (fictional)."
    assert len(_reads(caseworker, case)) == before + 1


def test_the_timeline_opens_every_sealed_entry_under_one_read():
    case, caseworker, *_ = team_world()
    for n in range(3):
        note(caseworker, case, NoteAccess.TEAM, body=f"Note {n} (fictional)")
    entries = case_timeline(actor=caseworker, case=case, channel="web")
    assert any("Note 2 (fictional)" in entry.detail for entry in entries)
    assert _reads(caseworker, case) == [("timeline", "web", True)]


def test_the_childs_identity_opened_for_a_person_is_a_logged_read():
    case, caseworker, _boss = case_with_staff()
    identity = case_services.child_identity(case.child, actor=caseworker, channel="web", case=case)
    assert identity.given_names
    assert _reads(caseworker, case) == [("identity", "web", True)]


# --- Admin pages: one read per case per page, with the signed-in user and the admin channel ---------
def test_a_relatives_admin_page_opens_six_sealed_fields_under_one_read(client):
    case, caseworker, _boss = case_with_staff()
    _staff(caseworker)
    mother = relative_of(case, caseworker)
    client.force_login(caseworker)
    page = client.get(reverse("admin:family_relative_change", args=[mother.pk]))
    assert "Khadija Benali" in page.content.decode()
    assert _reads(caseworker, case) == [("view", "admin", True)]


def test_a_placement_admin_page_logs_the_read_of_the_address(client):
    case, caseworker, _boss = case_with_staff()
    _staff(caseworker)
    placement = placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER, address="Rua do Sol 3")
    client.force_login(caseworker)
    assert "Rua do Sol 3" in client.get(reverse("admin:care_placement_change", args=[placement.pk])).content.decode()
    assert _reads(caseworker, case) == [("view", "admin", True)]


def test_a_best_interests_assessment_admin_page_logs_the_read_of_its_sections(client):
    w = bid_world()
    _staff(w.caseworker)
    bia = bia_start(actor=w.caseworker, case=w.case)
    bia_update(actor=w.caseworker, assessment=bia, sections={"needs": "Fictional needs."})
    client.force_login(w.caseworker)
    response = client.get(reverse("admin:bestinterests_bestinterestsassessment_change", args=[bia.pk]))
    assert "Fictional needs." in response.content.decode()
    assert _reads(w.caseworker, w.case) == [("view", "admin", True)]


def test_a_case_note_admin_page_logs_the_read_of_the_note(client):
    case, caseworker, *_ = team_world()
    _staff(caseworker)
    written = note(caseworker, case, NoteAccess.TEAM, body="Needs glasses (fictional).")
    client.force_login(caseworker)
    page = client.get(reverse("admin:casework_casenote_change", args=[written.pk]))
    assert "Needs glasses (fictional)." in page.content.decode()
    assert _reads(caseworker, case) == [("view", "admin", True)]


def test_a_risk_assessment_admin_page_logs_the_read_of_the_narrative(client):
    case, caseworker, _boss = case_with_staff()
    _staff(caseworker)
    assessment = risk_assessment_record(
        actor=caseworker, case=case, expected_version=case.version, level=RiskLevel.HIGH, narrative="Messages at night"
    )
    client.force_login(caseworker)
    page = client.get(reverse("admin:safety_riskassessment_change", args=[assessment.pk]))
    assert "Messages at night" in page.content.decode()
    assert _reads(caseworker, case) == [("view", "admin", True)]
