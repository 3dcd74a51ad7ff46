"""A supervisor's dashboard in a real browser: what needs attention comes first."""

from playwright.sync_api import expect

from apps.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from tests.browser.test_sign_in import choose_language, sign_in

MARTA = f"marta.sousa@{DEMO_DOMAIN}"


def test_a_supervisor_sees_the_overdue_guardian_first(page, live_server, demo_world, screenshot):
    sign_in(page, live_server.url, MARTA, DEMO_PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Marta")
    alerts = page.get_by_role("region", name="Needs your attention").get_by_role("row")
    expect(alerts.nth(1)).to_contain_text("Representative or guardian overdue")
    screenshot(page, "dashboard")


def test_the_dashboard_reads_right_to_left_in_arabic(page, live_server, demo_world, screenshot):
    sign_in(page, live_server.url, MARTA, DEMO_PASSWORD)
    choose_language(page, "ar")

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("region", name="Needs your attention")).to_be_visible()
    screenshot(page, "dashboard-ar")


def _caseworker_of_the_missing_child():
    from apps.care.models import MissingReport

    return MissingReport.objects.select_related("case__assigned_caseworker").get().case.assigned_caseworker


def test_a_caseworker_sees_that_her_child_is_missing_from_care(page, live_server, demo_world, screenshot):
    caseworker = _caseworker_of_the_missing_child()
    sign_in(page, live_server.url, caseworker.email, DEMO_PASSWORD)

    attention = page.get_by_role("region", name="Needs your attention")
    expect(attention).to_contain_text("Child missing from care")
    screenshot(page, "caseworker")

    choose_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("region", name="Needs your attention")).to_be_visible()
    screenshot(page, "caseworker-ar")
