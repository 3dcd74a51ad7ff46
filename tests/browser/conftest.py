"""Browser tests: a real Chromium, driven by Playwright, against Django's live test server.

One Chromium serves the whole run; every test gets a fresh browser context (no shared
cookies). Screenshots are kept in artifacts/screenshots/ so a reviewer can look at them.
"""

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django would then refuse ORM calls
# made by the test itself (seeding data) as "async-unsafe". The test thread never runs async
# code of its own, so this is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parents[1]
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.hookimpl(tryfirst=True)  # before xdist reads the group marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = os.environ.get("HAVEN_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def _page_of_width(browser: Browser, width: int, height: int) -> Iterator[Page]:
    context = browser.new_context(locale="en", viewport={"width": width, "height": height})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with _page_of_width(browser, 1280, 800) as opened:
        yield opened


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A page on a phone's width (390 px), where every page must still be usable."""
    with _page_of_width(browser, 390, 844) as opened:
        yield opened


def fits(page: Page) -> None:
    """The page needs no sideways scrolling at its viewport's width."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"the page is {width}px wide"  # type: ignore[index]


@pytest.fixture
def demo_world(transactional_db: None) -> Any:
    """The demo world, for pages that show what a person meets on a working day."""
    from apps.core.demo import seed_demo_world

    return seed_demo_world()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """screenshot(page) saves <test-name>.png; screenshot(page, "step") saves <test-name>-step.png."""
    test_name = re.sub(r"[^\w.-]+", "_", request.node.name)

    def take(page: Page, step: str = "") -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / (f"{test_name}-{step}.png" if step else f"{test_name}.png")
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
