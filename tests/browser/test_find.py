"""Finding a child from the header's search box, in a real browser: a spelling variant finds
her, the address never holds the name; in Arabic right to left, and on a phone's width."""

import pytest
from playwright.sync_api import expect

from apps.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from apps.core.demo import seed_demo_world
from tests.browser.test_sign_in import sign_in

ANA = f"ana.ferreira@{DEMO_DOMAIN}"  # a caseworker of the agency holding Aïcha's case


@pytest.fixture
def demo_world(transactional_db):
    return seed_demo_world()


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
    page.get_by_label("Language").select_option("ar")
    page.locator("form.language").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("#header-find").fill("Aicha")
    page.locator("form.header-find").get_by_role("button").click()
    expect(page.get_by_role("table")).to_contain_text("Aïcha Benali")
    screenshot(page, "found-ar")


def test_the_search_fits_a_phone(browser, live_server, demo_world, screenshot):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, live_server.url, ANA, DEMO_PASSWORD)
        _find(page, "Benali")
        expect(page.get_by_role("table")).to_contain_text("Aïcha Benali")
        width = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, "found-390")
        assert width <= 390 + 1, f"the page is {width}px wide"
    finally:
        context.close()
