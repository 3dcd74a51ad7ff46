import re

import pytest
from django.core import mail
from django.urls import reverse

from apps.accounts.models import Role
from tests.accounts.factories import PASSWORD, AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_with_email_in_any_case_lands_on_home(client):
    user = UserFactory(email="ana@example.test")
    response = client.post(reverse("login"), {"username": "ANA@example.test", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.context["user"] == user
    assert response.request["PATH_INFO"] == reverse("home")


def test_wrong_password_says_so_without_saying_which_part(client):
    UserFactory(email="ana@example.test")
    response = client.post(reverse("login"), {"username": "ana@example.test", "password": "wrong"})
    assert "do not match an active account" in response.content.decode()


def test_ten_failed_sign_ins_lock_even_the_right_password(client):
    UserFactory(email="ana@example.test")
    for _ in range(10):
        client.post(reverse("login"), {"username": "ana@example.test", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "ana@example.test", "password": PASSWORD})
    assert response.status_code == 429
    assert "too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_and_ends_the_session(client):
    client.force_login(UserFactory())
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email_lets_the_user_choose_a_new_password(client):
    user = UserFactory(email="ana@example.test")
    client.post(reverse("password_reset"), {"email": "ana@example.test"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "a brand new long password"
    client.post(form_page.request["PATH_INFO"], {"new_password1": new_password, "new_password2": new_password})
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.test"}, follow=True)
    assert len(mail.outbox) == 0
    assert "If the address belongs to an account" in response.content.decode()


def test_home_lists_the_roles_and_shows_times_in_the_agency_zone(client):
    membership = MembershipFactory(role=Role.SUPERVISOR, agency=AgencyFactory(time_zone="Asia/Tokyo"))
    client.force_login(membership.user)
    page = client.get(reverse("home")).content.decode()
    assert "Supervisor" in page
    assert membership.agency.name in page
    assert "Asia/Tokyo" in page


def test_a_user_without_membership_is_told_to_ask_their_administrator(client):
    client.force_login(UserFactory())
    page = client.get(reverse("home")).content.decode()
    assert "no active role" in page
