import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.urls import reverse

from apps.cases.models import Document
from apps.cases.services import document_attach, document_open
from tests.accounts.factories import AgencyFactory
from tests.cases.factories import caseworker_in, register

pytestmark = pytest.mark.django_db
CONTENT = b"%PDF-1.4 passport of the child, number P1234567"


@pytest.fixture
def document():
    case = register().case
    return document_attach(
        actor=case.registered_by,
        case=case,
        kind=Document.Kind.IDENTITY_DOCUMENT,
        filename="passport-aicha.pdf",
        content=CONTENT,
        content_type="application/pdf",
        no_abuse_images=True,
    )


def test_a_document_is_stored_sealed(document):
    with default_storage.open(f"documents/{document.storage_name}", "rb") as handle:
        stored = handle.read()
    assert b"P1234567" not in stored
    assert b"aicha" not in bytes(document.filename).lower()


def test_the_caseworker_downloads_it_as_an_attachment(client, document):
    client.force_login(document.case.registered_by)
    response = client.get(reverse("cases:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response.content == CONTENT
    assert response["Content-Disposition"].startswith("attachment;")
    assert "passport-aicha.pdf" in response["Content-Disposition"]


def test_anyone_else_gets_a_404_like_a_missing_document(client, document):
    client.force_login(caseworker_in(AgencyFactory()))
    assert client.get(reverse("cases:document_download", args=[document.pk])).status_code == 404
    assert client.get(reverse("cases:document_download", args=[999999])).status_code == 404


def test_the_service_refuses_it_too(document):
    with pytest.raises(Http404):
        document_open(actor=caseworker_in(AgencyFactory()), document_id=document.pk, channel="api")


def test_an_upload_without_the_no_abuse_images_declaration_is_refused():
    case = register().case
    with pytest.raises(ValidationError, match="police evidence reference"):
        document_attach(
            actor=case.registered_by,
            case=case,
            kind=Document.Kind.SOCIAL_REPORT,
            filename="x.jpg",
            content=b"...",
            content_type="image/jpeg",
            no_abuse_images=False,
        )
    assert not Document.objects.exists()
