"""
A real browser renders an operator's program dashboard: SVG charts, no console errors.

Same approach and skip rules as ``tests/test_browser_admin.py`` (Debian's
headless Chromium and chromedriver, never downloaded), plus Chromium's
console log (``goog:loggingPrefs``), read after every page.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from ledger.tests.factories import AssetFactory, fund
from loyalty.tests.admin_helpers import make_operator
from loyalty.tests.factories import ProgramFactory
from participants.tests.factories import ParticipantFactory
from rewards.models import Redemption, Reward
from rewards.services import redemption_create_catalog, reversal_create
from rewards.tests.factories import RewardFactory
from tests.browser import WAIT_SECONDS

pytestmark = pytest.mark.browser


@pytest.fixture
def program(transactional_db):
    """An operator of the tenant Default, and a program with accruals, redemptions of both types and a reversal."""
    operator = make_operator("operator")
    today = timezone.localdate()
    program = ProgramFactory(name="Coffee Club")
    asset = AssetFactory(program=program, code="POINTS", scale=2)
    coffee = RewardFactory(asset=asset, name="Flat white", unit_cost=Decimal("3.50"), max_total=40)
    voucher = RewardFactory(asset=asset, name="Gift <voucher>", type=Reward.Type.AMOUNT_BASED, max_total=12)
    for index in range(12):
        participant = ParticipantFactory(programs=[program], external_id=f"member-{index}")
        fund(participant, asset, "200")
        reward, quantity, amount = (coffee, 1 + index % 3, None) if index % 2 else (voucher, None, Decimal(5 + index))
        redemption = redemption_create_catalog(
            program=program, participant=participant, reward=reward, quantity=quantity, amount=amount
        ).record
        day = today - timedelta(days=(index * index) % 30)
        moved = redemption.created_at.replace(year=day.year, month=day.month, day=day.day)
        Redemption.objects.filter(pk=redemption.pk).update(created_at=moved)
        if index == 1:
            reversal_create(
                redemption=redemption, quantity=1, reason="Spilled <script>alert(1)</script>", user=operator
            )
    return program


def test_operator_opens_a_program_dashboard_from_the_admin_index_without_console_errors(
    live_server, browser, program, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as when
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT_SECONDS)
    console = []

    def open_page(path: str) -> None:
        browser.get(f"{live_server.url}{path}")

    def read_console() -> None:
        console.extend(browser.get_log("browser"))

    # given: the operator is logged in (the login form has its own browser
    # test; Django's login page asks for a /favicon.ico the project does not
    # serve, a 404 in the console that is not the dashboard's)
    client = Client()
    client.force_login(get_user_model().objects.get(username="operator"))
    browser.execute_cdp_cmd(
        "Network.setCookie",
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url,
            "httpOnly": True,
        },
    )
    open_page("/admin/")
    wait.until(when.presence_of_element_located((By.ID, "dashboards-module")))
    browser.save_screenshot(str(tmp_path / "admin-index.png"))
    read_console()

    # when: it follows the index's link to the program's dashboard
    browser.find_element(By.LINK_TEXT, "Coffee Club").click()
    wait.until(when.presence_of_element_located((By.ID, "liabilities")))
    browser.find_element(By.CSS_SELECTOR, "#daily-activity details summary").click()
    read_console()
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, height + 40)
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot = tmp_path / "program-dashboard.png"
    browser.save_screenshot(str(screenshot))
    read_console()

    # then: the figures and the charts are there, drawn by the browser
    assert browser.find_element(By.CSS_SELECTOR, ".liability .wallets-total").text == browser.find_element(
        By.CSS_SELECTOR, ".liability .owed"
    ).text
    assert "matches wallets + pending" in browser.find_element(By.CSS_SELECTOR, ".liability .ledger-check").text
    bars = browser.execute_script(
        "return Array.from(document.querySelectorAll('#chart-redemptions rect.chart-bar'))"
        ".map(bar => bar.getBoundingClientRect().width)"
    )
    assert len(bars) == 30 and all(width > 0 for width in bars)
    chart = browser.find_element(By.CSS_SELECTOR, "#chart-redemptions svg")
    assert chart.size["width"] > 400 and chart.size["height"] > 100
    assert "Spilled <script>alert(1)</script>" in browser.find_element(By.ID, "recent-reversals").text
    assert "Gift <voucher>" in browser.find_element(By.ID, "top-rewards").text
    assert [entry for entry in console if entry["level"] in ("SEVERE", "WARNING")] == []
    assert screenshot.stat().st_size > 10_000
