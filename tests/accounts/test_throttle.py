"""One sign-in throttle for every way in, counted per account and per address, from outside over HTTP."""

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import mail
from django.db.models import F
from django.test import Client
from django.urls import reverse

from apps.accounts import throttle
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.20"
LIMIT = settings.AXES_FAILURE_LIMIT


def _from(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _sign_in(client: Client, email: str, password: str, *, page: str = "login") -> int:
    url = reverse("admin:login") if page == "admin" else reverse(page)
    return client.post(url, {"username": email, "password": password}).status_code


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _let_the_cool_off_pass() -> None:
    """As if the cool-off had passed since every recorded failure."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))


def test_the_admin_sign_in_refuses_the_right_password_after_25_wrong_ones():
    UserFactory(email="admin@example.test", is_staff=True, is_superuser=True)
    client = _from(ATTACKER)
    statuses = [_sign_in(client, "admin@example.test", f"guess {n}", page="admin") for n in range(25)]
    assert statuses[: LIMIT - 1] == [200] * (LIMIT - 1)  # the form again, with its error
    assert set(statuses[LIMIT - 1 :]) == {429}

    response = client.post(reverse("admin:login"), {"username": "admin@example.test", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not _signed_in(client)


def test_an_account_locked_on_the_sign_in_page_is_refused_on_the_admin_sign_in():
    UserFactory(email="marta@example.test", is_staff=True)
    attacker = _from(ATTACKER)
    for n in range(LIMIT):
        _sign_in(attacker, "marta@example.test", f"guess {n}")

    admin_page = _from(ATTACKER)
    assert _sign_in(admin_page, "marta@example.test", PASSWORD, page="admin") == 429
    assert not _signed_in(admin_page)


def test_a_locked_account_is_refused_from_another_address_too():
    UserFactory(email="ana@example.test")
    attacker = _from(ATTACKER)
    for n in range(LIMIT):
        _sign_in(attacker, "Ana@Example.test", f"guess {n}")  # the e-mail's case does not make a new account

    elsewhere = _from(OFFICE)
    assert _sign_in(elsewhere, "ana@example.test", PASSWORD) == 429
    assert not _signed_in(elsewhere)


def test_thirty_accounts_guessed_from_one_address_lock_the_address():
    for n in range(31):
        UserFactory(email=f"worker{n}@example.test")
    attacker = _from(ATTACKER)
    for n in range(30):
        _sign_in(attacker, f"worker{n}@example.test", "Summer2026!")

    response = attacker.post(reverse("login"), {"username": "worker30@example.test", "password": PASSWORD})
    assert response.status_code == 429
    assert not _signed_in(attacker)
    # The accounts themselves were tried once each: their owners sign in from their office.
    office = _from(OFFICE)
    assert _sign_in(office, "worker30@example.test", PASSWORD) == 302
    assert _signed_in(office)


def test_a_success_from_the_same_address_does_not_clear_the_attackers_count():
    UserFactory(email="ana@example.test")
    for n in range(LIMIT + 1):
        UserFactory(email=f"worker{n}@example.test")
    shared_network = _from(ATTACKER)
    for n in range(LIMIT - 1):
        _sign_in(shared_network, f"worker{n}@example.test", "wrong")

    caseworker = _from(ATTACKER)
    assert _sign_in(caseworker, "ana@example.test", PASSWORD) == 302

    assert _sign_in(shared_network, f"worker{LIMIT - 1}@example.test", "wrong") == 429  # the count went on
    assert _sign_in(shared_network, f"worker{LIMIT}@example.test", PASSWORD) == 429


def test_attempts_while_locked_do_not_prolong_the_lock_and_the_caseworker_signs_in_after_the_cool_off():
    UserFactory(email="ana@example.test")
    attacker = _from(ATTACKER)
    for n in range(LIMIT):
        _sign_in(attacker, "ana@example.test", f"guess {n}")
    caseworker = _from(OFFICE)
    assert _sign_in(caseworker, "ana@example.test", PASSWORD) == 429
    last_counted = AccessAttempt.objects.order_by("-attempt_time").values_list("attempt_time", flat=True).first()
    for n in range(5):  # the attacker keeps trying while the account waits
        assert _sign_in(attacker, "ana@example.test", f"more {n}") == 429
    assert (
        AccessAttempt.objects.order_by("-attempt_time").values_list("attempt_time", flat=True).first() == last_counted
    )

    _let_the_cool_off_pass()

    assert _sign_in(caseworker, "ana@example.test", PASSWORD) == 302
    assert _signed_in(caseworker)


def test_an_account_locked_by_a_stranger_still_signs_in_from_the_office_it_uses():
    """A stranger can lock the account for every other address, not keep her out of her office."""
    UserFactory(email="ana@example.test")
    caseworker = _from(OFFICE)
    assert _sign_in(caseworker, "ana@example.test", PASSWORD) == 302
    attacker = _from(ATTACKER)
    for n in range(LIMIT):
        _sign_in(attacker, "ana@example.test", f"guess {n}")

    assert _sign_in(_from("192.0.2.44"), "ana@example.test", PASSWORD) == 429  # a new address: locked
    back_at_work = _from(OFFICE)
    assert _sign_in(back_at_work, "ana@example.test", PASSWORD) == 302
    assert _signed_in(back_at_work)


def test_guessing_from_the_office_address_still_locks_that_address():
    """Her usual address escapes the account's count, never its own."""
    UserFactory(email="ana@example.test")
    assert _sign_in(_from(OFFICE), "ana@example.test", PASSWORD) == 302
    insider = _from(OFFICE)
    statuses = [_sign_in(insider, "ana@example.test", f"guess {n}") for n in range(LIMIT + 2)]
    assert statuses[-1] == 429
    assert _sign_in(_from(OFFICE), "ana@example.test", PASSWORD) == 429


def test_refused_attempts_are_not_counted():
    UserFactory(email="ana@example.test")
    attacker = _from(ATTACKER)
    for n in range(LIMIT):
        _sign_in(attacker, "ana@example.test", f"guess {n}")
    counted = sum(AccessAttempt.objects.values_list("failures_since_start", flat=True))
    for n in range(5):
        assert _sign_in(_from(f"192.0.2.{n + 1}"), "ana@example.test", f"more {n}") == 429
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == counted


def test_the_lockout_page_says_in_plain_words_how_long_to_wait():
    UserFactory(email="ana@example.test")
    client = _from(ATTACKER)
    for n in range(LIMIT):
        _sign_in(client, "ana@example.test", f"guess {n}")
    response = client.post(reverse("login"), {"username": "ana@example.test", "password": PASSWORD})
    page = response.content.decode()
    assert response.status_code == 429
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"wait {minutes} minutes and try again" in page
    assert "site-header" in page  # the site's own page, not a bare message
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))


def test_password_reset_requests_are_throttled_per_account_and_per_address():
    UserFactory(email="ana@example.test")
    flood = _from(ATTACKER)
    statuses = [
        flood.post(reverse("password_reset"), {"email": "ana@example.test"}).status_code for _ in range(LIMIT + 3)
    ]
    assert statuses[:LIMIT] == [302] * LIMIT
    assert set(statuses[LIMIT:]) == {429}
    assert len(mail.outbox) == LIMIT  # the mailbox is not flooded

    # The account's count holds from another address, for sign-in as well.
    elsewhere = _from(OFFICE)
    assert elsewhere.post(reverse("password_reset"), {"email": "ana@example.test"}).status_code == 429
    assert _sign_in(elsewhere, "ana@example.test", PASSWORD) == 429

    _let_the_cool_off_pass()
    assert elsewhere.post(reverse("password_reset"), {"email": "ana@example.test"}).status_code == 302
    assert len(mail.outbox) == LIMIT + 1


def test_password_reset_requests_for_many_accounts_from_one_address_lock_the_address():
    prober = _from(ATTACKER)
    for n in range(LIMIT):
        prober.post(reverse("password_reset"), {"email": f"guess{n}@example.test"})
    assert prober.post(reverse("password_reset"), {"email": "another@example.test"}).status_code == 429
    UserFactory(email="ana@example.test")
    assert _sign_in(prober, "ana@example.test", PASSWORD) == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted_not_the_proxys(settings):
    settings.HAVEN_TRUSTED_PROXIES = 1
    UserFactory(email="ana@example.test")
    for n in range(LIMIT):
        UserFactory(email=f"worker{n}@example.test")
    proxy = "10.0.0.2"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"198.18.0.1, {ATTACKER}")
    for n in range(LIMIT):
        _sign_in(attacker, f"worker{n}@example.test", "wrong")
    # The client-written part of the header is not believed ...
    assert AccessAttempt.objects.filter(ip_address=ATTACKER).count() == LIMIT
    # ... and a caseworker behind the same proxy is not caught by the attacker's lock.
    caseworker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=OFFICE)
    assert _sign_in(caseworker, "ana@example.test", PASSWORD) == 302


def test_the_hook_for_the_apis_token_endpoint_counts_and_refuses_like_the_sign_in_pages(rf):
    """What the token endpoint will do: authenticate with the request, then ask the throttle."""
    UserFactory(email="ana@example.test")

    def token_request(password: str, address: str = ATTACKER):
        request = rf.post("/api/v1/auth/token/", {"username": "ana@example.test", "password": password})
        request.META["REMOTE_ADDR"] = address
        user = authenticate(request=request, username="ana@example.test", password=password)
        return user, request

    for n in range(LIMIT):
        user, request = token_request(f"guess {n}")
        assert user is None
    user, request = token_request(PASSWORD, address=OFFICE)
    assert user is None
    assert throttle.is_refused(request)
    refusal = throttle.lockout_response(request)
    assert refusal.status_code == 429
    assert refusal["Content-Type"] == "application/problem+json"
    assert json.loads(refusal.content)["code"] == "too_many_attempts"
    # And the sign-in page agrees: the API's failures counted against the account.
    assert _sign_in(_from(OFFICE), "ana@example.test", PASSWORD) == 429


@pytest.mark.parametrize("junk", ["x" * 400 + "@example.test", "ana\x00@example.test"], ids=["too long", "NUL"])
def test_junk_typed_as_an_address_is_counted_not_an_error(junk):
    client = _from(ATTACKER)
    assert client.post(reverse("password_reset"), {"email": junk}).status_code == 200  # the form, with its error
    assert client.post(reverse("admin:login"), {"username": junk, "password": "x"}).status_code == 200
    assert AccessAttempt.objects.filter(ip_address=ATTACKER).exists()
