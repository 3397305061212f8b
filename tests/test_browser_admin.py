"""
A real browser in the back-office: an operator of one tenant reverses one unit
of a redemption, and never sees the other tenant's.

Drives Debian's headless Chromium through Debian's chromedriver (Selenium)
against pytest-django's live server. Never downloads a browser or a driver:
without /usr/bin/chromium and /usr/bin/chromedriver the test is skipped.
CI installs them (``apt-get install chromium chromium-driver``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger.tests.factories import AssetFactory
from loyalty.tests.admin_helpers import OPERATOR_PASSWORD, admin_url, make_operator, redeem
from loyalty.tests.factories import ProgramFactory, TenantFactory
from participants.tests.factories import ParticipantFactory
from rewards.models import Redemption, Reversal
from rewards.tests.factories import RewardFactory
from tests.browser import WAIT_SECONDS

pytestmark = pytest.mark.browser

def _redemption_in(tenant, *, program_name: str, reward_name: str):
    """3 units of a reward of a new program of ``tenant``, redeemed by a participant."""
    program = ProgramFactory(tenant=tenant, name=program_name)
    asset = AssetFactory(program=program)
    reward = RewardFactory(asset=asset, name=reward_name, unit_cost=Decimal("10.00"), max_total=10)
    participant = ParticipantFactory(programs=[program], display_name="Dana", external_id="cust-42")
    return redeem(participant=participant, reward=reward, quantity=3, fund="100")


@pytest.fixture
def redemption(transactional_db):
    """An operator of the tenant Coffee Co and its redemption; the tenant Tea Co has one too."""
    coffee, tea = TenantFactory(name="Coffee Co"), TenantFactory(name="Tea Co")
    make_operator("operator", tenants=[coffee])
    _redemption_in(tea, program_name="Tea House", reward_name="Matcha")
    return _redemption_in(coffee, program_name="Coffee Club", reward_name="Flat white")


def test_operator_reverses_one_unit_in_a_real_browser_and_sees_partially_reversed(
    live_server, browser, redemption, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as when
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT_SECONDS)

    def open_page(path: str) -> None:
        browser.get(f"{live_server.url}{path}")

    # given: the operator logs in
    open_page("/admin/login/?next=/admin/")
    browser.find_element(By.ID, "id_username").send_keys("operator")
    browser.find_element(By.ID, "id_password").send_keys(OPERATOR_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait.until(when.presence_of_element_located((By.ID, "user-tools")))

    # and opens the redemption from the list, where only its own tenant's shows
    open_page(admin_url(Redemption, "changelist"))
    rows = wait.until(when.presence_of_all_elements_located((By.CSS_SELECTOR, "#result_list tbody tr")))
    assert len(rows) == 1 and "Coffee Club" in rows[0].text and "Tea House" not in browser.page_source
    wait.until(when.element_to_be_clickable((By.CSS_SELECTOR, "#result_list tbody tr th a"))).click()
    wait.until(when.element_to_be_clickable((By.ID, "reverse-redemption"))).click()

    # when: it reverses one unit
    quantity = wait.until(when.presence_of_element_located((By.ID, "id_quantity")))
    quantity.clear()
    quantity.send_keys("1")
    browser.find_element(By.ID, "id_reason").send_keys("Spilled")
    browser.find_element(By.CSS_SELECTOR, "input[name=_reverse]").click()

    # then: back on the redemption page with the new status
    status = wait.until(when.presence_of_element_located((By.CSS_SELECTOR, ".field-status_code .readonly")))
    browser.save_screenshot(str(tmp_path / "redemption-reversed.png"))
    assert status.text == "PARTIALLY_REVERSED"
    assert "Reversed 10.00 (1 unit(s))" in browser.find_element(By.CSS_SELECTOR, "ul.messagelist").text
    assert browser.current_url == f"{live_server.url}{admin_url(Redemption, 'change', redemption.pk)}"
    redemption.refresh_from_db()
    assert (redemption.status, redemption.reversed_quantity) == ("PARTIALLY_REVERSED", 1)
    assert Reversal.objects.get().created_by_user.username == "operator"
    assert Redemption.objects.exclude(pk=redemption.pk).get().status == "COMPLETED"  # Tea Co's, untouched
    assert (tmp_path / "redemption-reversed.png").stat().st_size > 0
