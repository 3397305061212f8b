"""
A real browser in the back-office: an operator reverses one unit of a redemption.

Drives Debian's headless Chromium through Debian's chromedriver (Selenium)
against pytest-django's live server. Never downloads a browser or a driver:
without /usr/bin/chromium and /usr/bin/chromedriver the test is skipped.
CI installs them (``apt-get install chromium chromium-driver``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from ledger.tests.factories import AssetFactory
from loyalty.tests.admin_helpers import OPERATOR_PASSWORD, admin_url, operator_group, redeem
from loyalty.tests.factories import ProgramFactory
from participants.tests.factories import ParticipantFactory
from rewards.models import Redemption, Reversal
from rewards.tests.factories import RewardFactory
from tests.browser import WAIT_SECONDS

pytestmark = pytest.mark.browser

@pytest.fixture
def redemption(transactional_db):
    """An operator, and 3 units of a reward redeemed by a participant."""
    user = get_user_model().objects.create_user("operator", password=OPERATOR_PASSWORD, is_staff=True)
    user.groups.add(operator_group())
    program = ProgramFactory(name="Coffee Club")
    asset = AssetFactory(program=program)
    reward = RewardFactory(asset=asset, name="Flat white", unit_cost=Decimal("10.00"), max_total=10)
    participant = ParticipantFactory(programs=[program], display_name="Dana")
    return redeem(participant=participant, reward=reward, quantity=3, fund="100")


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

    # and opens the redemption from the list
    open_page(admin_url(Redemption, "changelist"))
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
    assert (tmp_path / "redemption-reversed.png").stat().st_size > 0
