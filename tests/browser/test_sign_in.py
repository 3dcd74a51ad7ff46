"""Signing in and out, choosing a language, and the pages around them, in a real browser."""

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from apps.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD, seed_accounts

ANA = f"ana.ferreira@{DEMO_DOMAIN}"
SIGN_IN_URL = re.compile(r"/accounts/login/")


@pytest.fixture
def demo_accounts(transactional_db):
    return seed_accounts()


def choose_language(page: Page, code: str) -> None:
    """Pick a language in the header's selector, as a person would."""
    page.get_by_label("Language").select_option(code)
    page.locator("form.language").get_by_role("button").click()


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_caseworker_signs_in_and_sees_her_roles_and_time_zone(page, live_server, demo_accounts, screenshot):
    page.goto(live_server.url)

    expect(page).to_have_url(SIGN_IN_URL)
    expect(page.get_by_role("heading", name="Sign in to Haven")).to_be_visible()
    screenshot(page, "sign-in")

    page.get_by_label("E-mail address").fill(ANA)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ana")
    row = page.get_by_role("row").filter(has_text="Alvora Child Protection Service")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell", name="Caseworker", exact=True)).to_be_visible()
    expect(page.get_by_text("Times are shown in Europe/Lisbon.")).to_be_visible()
    screenshot(page, "home")


def test_a_wrong_password_is_refused_and_stays_on_sign_in(page, live_server, demo_accounts, screenshot):
    sign_in(page, live_server.url, ANA, "not-the-password")

    expect(page.get_by_role("alert")).to_contain_text("do not match an active account")
    expect(page).to_have_url(SIGN_IN_URL)
    expect(page.get_by_role("heading", name="Sign in to Haven")).to_be_visible()
    screenshot(page)


def test_choosing_arabic_lays_the_page_out_right_to_left(page, live_server, screenshot):
    page.goto(live_server.url)
    expect(page.locator("html")).to_have_attribute("dir", "ltr")

    choose_language(page, "ar")

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_label("Language")).to_have_value("ar")
    screenshot(page)


def test_signing_out_from_the_header_returns_to_sign_in(page, live_server, demo_accounts):
    sign_in(page, live_server.url, ANA, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ana")

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(SIGN_IN_URL)
    expect(page.get_by_role("heading", name="Sign in to Haven")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto(live_server.url)
    expect(page).to_have_url(SIGN_IN_URL)


def test_pages_have_no_inline_script_and_break_no_content_security_policy(page, live_server, demo_accounts):
    errors: list[str] = []

    def collect(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", collect)
    page.on("pageerror", lambda error: errors.append(str(error)))

    response = page.goto(live_server.url)
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", name="Sign in to Haven")).to_be_visible()
    expect(page.locator("script:not([src])")).to_have_count(0)
    expect(page.locator("[style]")).to_have_count(0)

    page.get_by_label("E-mail address").fill(ANA)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ana")
    expect(page.locator("script:not([src])")).to_have_count(0)
    expect(page.locator("[style]")).to_have_count(0)
    page.wait_for_load_state("load")

    assert [error for error in errors if "Content Security Policy" in error] == []


def test_a_missing_page_shows_not_found_without_echoing_the_path(page, live_server, screenshot):
    response = page.goto(f"{live_server.url}/no/such/page")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert "such" not in page.content()
    screenshot(page)


def test_a_missing_page_keeps_the_chosen_language_right_to_left(page, live_server, screenshot):
    page.goto(live_server.url)
    choose_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("lang", "ar")

    page.goto(f"{live_server.url}/no/such/page")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    screenshot(page)
