"""My work in a real browser: the caseworker's children by name with their next deadlines; in
Arabic right to left; on a phone's width."""

from playwright.sync_api import expect

from apps.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from tests.browser.conftest import fits
from tests.browser.test_sign_in import choose_language, sign_in

ANA = f"ana.ferreira@{DEMO_DOMAIN}"


def test_a_caseworker_opens_her_work_from_the_header(page, live_server, demo_world, screenshot):
    sign_in(page, live_server.url, ANA, DEMO_PASSWORD)
    page.get_by_role("link", name="My work").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.get_by_role("table")).to_contain_text("Aïcha Benali")
    screenshot(page, "mine")
    page.get_by_label("Risk").select_option("critical")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=2)).to_be_visible()
    screenshot(page, "critical")


def test_my_work_reads_right_to_left_in_arabic_and_fits_a_phone(phone, live_server, demo_world, screenshot):
    sign_in(phone, live_server.url, ANA, DEMO_PASSWORD)
    choose_language(phone, "ar")
    phone.goto(live_server.url + "/work/")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.get_by_role("table")).to_contain_text("Aïcha Benali")
    screenshot(phone, "ar-390")
    fits(phone)
