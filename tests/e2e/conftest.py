"""Browser journeys: real pages in headless Chromium (Debian's package) driven by Playwright.

Without Chromium the journeys are skipped with a message saying how to install it; under
CI=true they never skip.
"""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.reference_data import reseed

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e-screenshots"
# Playwright's sync API keeps an event loop running in this thread; Django's ORM is called from
# the same thread by the test itself, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        message = "Chromium is not installed: apt-get install chromium (browser journeys skipped)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db):
    """The demo data set, as `make run` loads it."""
    reseed()  # a transactional test before this one may have emptied the tables
    call_command("load_admin_units", stdout=io.StringIO())
    call_command("load_demo_data", stdout=io.StringIO())


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def log_in(page, username: str, password: str = "HocTap@2024") -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(page.base_url + "/")


def log_out(page) -> None:
    page.click("#user-menu")
    page.click("header button:has-text('Đăng xuất'), header button:has-text('Log out')")
    page.wait_for_url("**/accounts/login/")
