import pytest

from apps.cases import sections
from apps.cases.models import Case, Child, Document
from apps.cases.sections import Section


@pytest.mark.parametrize("model", [Child, Case])
def test_every_field_of_the_record_belongs_to_a_section(model):
    fields = {f.name for f in model._meta.concrete_fields}
    assert fields - set(sections.FIELDS[model]) == set(), "fields with no section"
    assert set(sections.FIELDS[model]) - fields == set(), "sections name fields that do not exist"


def test_every_kind_of_attachment_belongs_to_a_section():
    assert set(sections.DOCUMENT_KINDS) == set(Document.Kind.values)


def test_the_default_share_leaves_out_what_the_domain_says():
    assert Section.NARRATIVE not in sections.SHARED_BY_DEFAULT
    assert Section.SUSPECTS not in sections.SHARED_BY_DEFAULT
    assert Section.PLACEMENT not in sections.SHARED_BY_DEFAULT
    assert Section.GENDER_IDENTITY not in sections.SHARED_BY_DEFAULT
    assert "exploitation_narrative" not in sections.fields_in(Case, sections.SHARED_BY_DEFAULT)
    assert "gender_identity" not in sections.fields_in(Child, sections.SHARED_BY_DEFAULT)


def test_fields_are_selected_by_section():
    assert sections.fields_in(Child, {Section.IDENTITY})[:3] == ["names", "aliases", "birth_date"]
    assert sections.section_of(Case, "suspects") == Section.SUSPECTS
    assert sections.document_section(Document.Kind.MEDICAL_REPORT) == Section.HEALTH


def test_every_record_that_concerns_a_case_names_its_section():
    """A new record type is shared with a partner only once someone decided which section it is."""
    from django.apps import apps

    from apps.cases.reading import case_path

    concerned = {
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in {c.label for c in apps.get_app_configs() if c.name.startswith("apps.")}
        and case_path(model) is not None
        and model not in (Case, Child, Document)
    }
    assert concerned - set(sections.RECORD_SECTIONS) == set(), "records with no section"
    assert set(sections.RECORD_SECTIONS) - concerned == set(), "sections name records that do not exist"


def test_the_agencys_own_machinery_is_never_shared():
    assert sections.RECORD_SECTIONS["cases.PossibleDuplicateNotice"] is None
    assert sections.RECORD_SECTIONS["audit.RecordAccess"] is None
    assert Section.COMPLAINTS not in sections.SHARED_BY_DEFAULT
