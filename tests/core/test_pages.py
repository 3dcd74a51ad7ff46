"""Ground rules every page keeps: sign-in required, and error pages that reveal nothing."""

import re

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

# The only views a visitor may reach without signing in.
PUBLIC = {
    "healthz",
    "readyz",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
}


def _named_routes(resolver: URLResolver, prefix: str = "") -> list[tuple[str, str]]:
    routes = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin has its own sign-in (tested with the admin)
            routes += _named_routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            routes.append((pattern.name, prefix + str(pattern.pattern)))
    return routes


def _example_path(route: str) -> str:
    path = re.sub(r"<int:\w+>", "1", route).replace("<uidb64>", "MQ").replace("<token>", "set-password")
    return "/" + path.lstrip("^").rstrip("$")


def test_every_page_but_the_public_ones_needs_a_signed_in_user():
    client = Client()
    checked = 0
    for name, route in _named_routes(get_resolver()):
        response = client.get(_example_path(route))
        if name in PUBLIC:
            assert response.status_code != 302 or "/accounts/login/" not in response.get("Location", ""), name
            continue
        checked += 1
        assert response.status_code in (302, 401, 403), name
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login")), name
    assert checked >= 3


def test_the_admin_sends_visitors_to_its_sign_in():
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_missing_page_does_not_echo_what_was_asked_for(client):
    client.force_login(UserFactory())
    response = client.get("/cases/secret-child-name-Aicha/?q=Aicha")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "Aicha" not in body
    assert response["X-Request-Id"] in body


def test_a_bad_request_page_reveals_nothing(client):
    response = client.get("/", HTTP_HOST="evil.example.test")
    assert response.status_code == 400
    assert "evil" not in response.content.decode()


def test_a_server_error_page_gives_only_a_reference():
    from apps.core.views import server_error

    response = server_error(_request())
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def _request():
    from django.test import RequestFactory

    return RequestFactory().get("/anything?name=Aicha")


def test_a_form_sent_without_its_csrf_token_gets_the_expired_form_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "a@example.test", "password": "x"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


@override_settings(DEBUG=False)
def test_an_exception_in_a_view_shows_the_plain_500_page(client, monkeypatch):
    from apps.core import views

    def explode(**kwargs):
        raise RuntimeError("Aicha's address is 1 Secret Lane")

    monkeypatch.setattr(views, "membership_list_for_user", explode)
    client.raise_request_exception = False
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 500
    assert "Secret Lane" not in response.content.decode()


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()


def test_arabic_pages_are_laid_out_right_to_left(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ar")
    assert 'dir="rtl"' in response.content.decode()
    assert 'lang="ar"' in response.content.decode()


def test_french_is_offered_and_chosen_from_the_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr")
    assert 'lang="fr"' in response.content.decode()
