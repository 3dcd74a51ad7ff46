"""Finding a child from the header's search box, in a real browser: a spelling variant finds
her, the address never holds the name; in Arabic right to left, and on a phone's width."""

from playwright.sync_api import expect

from apps.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from tests.browser.conftest import fits
from tests.browser.test_sign_in import choose_language, sign_in

ANA = f"ana.ferreira@{DEMO_DOMAIN}"  # a caseworker of the agency holding Aïcha's case


def _find(page, query):
    page.get_by_role("search").first.get_by_label("Find a child").fill(query)
    page.get_by_role("search").first.get_by_role("button").click()


def test_a_caseworker_finds_aicha_by_another_spelling(page, live_server, demo_world, screenshot):
    sign_in(page, live_server.url, ANA, DEMO_PASSWORD)
    _find(page, "Aisha Benali")

    expect(page.get_by_role("heading", level=1)).to_have_text("Find a child")
    results = page.get_by_role("table")
    expect(results).to_contain_text("Aïcha Benali")
    assert "Aisha" not in page.url
    assert "Benali" not in page.url
    screenshot(page, "found")


def test_the_search_reads_right_to_left_in_arabic(page, live_server, demo_world, screenshot):
    sign_in(page, live_server.url, ANA, DEMO_PASSWORD)
    choose_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("#header-find").fill("Aicha")
    page.locator("form.header-find").get_by_role("button").click()
    expect(page.get_by_role("table")).to_contain_text("Aïcha Benali")
    screenshot(page, "found-ar")


def test_the_search_fits_a_phone(phone, live_server, demo_world, screenshot):
    sign_in(phone, live_server.url, ANA, DEMO_PASSWORD)
    _find(phone, "Benali")
    expect(phone.get_by_role("table")).to_contain_text("Aïcha Benali")
    screenshot(phone, "found-390")
    fits(phone)
