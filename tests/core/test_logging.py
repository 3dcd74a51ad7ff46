import json
import logging

import pytest
from django.urls import reverse

from apps.core.logging import RequestIdFilter
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """Capture what the configured JSON handler writes."""
    import io

    from django.conf import settings

    from apps.core.logging import RequestIdFilter as _Filter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    formatter_config = settings.LOGGING["formatters"]["json"]
    from pythonjsonlogger.json import JsonFormatter

    handler.setFormatter(JsonFormatter(formatter_config["fmt"], rename_fields=formatter_config["rename_fields"]))
    handler.addFilter(_Filter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(previous)


def test_each_request_is_logged_as_json_with_its_request_id(client, json_lines):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    access = [line for line in json_lines() if line["logger"] == "haven.access"]
    assert access[-1]["request_id"] == response["X-Request-Id"]
    assert access[-1]["status"] == 200
    assert access[-1]["route"] == ""


def test_the_access_log_never_holds_the_query_string_or_path(client, json_lines):
    client.force_login(UserFactory())
    client.get("/cases/Aicha-Benali/?q=Aicha+Benali")
    logged = json.dumps(json_lines())
    assert "Aicha" not in logged


def test_a_well_formed_request_id_from_the_proxy_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-id-12345678")
    assert response["X-Request-Id"] == "proxy-id-12345678"


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert "<" not in response["X-Request-Id"]
    assert len(response["X-Request-Id"]) == 32


def test_the_request_object_is_dropped_from_log_records():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x",), None)
    record.request = "<WSGIRequest: GET '/search?q=Aicha'>"
    RequestIdFilter().filter(record)
    assert record.request is None
    assert record.request_id == "-"
