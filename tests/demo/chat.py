"""Acting on the demo's chat page as a person: send, wait for the bot's answer, press."""

from __future__ import annotations

import re
from typing import Any

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 20


def bot_messages(driver: Any) -> list[Any]:
    return driver.find_elements(By.CSS_SELECTOR, "#messages .msg.bot")


def send(driver: Any, text: str) -> None:
    box = driver.find_element(By.ID, "text")
    box.clear()
    box.send_keys(text)
    driver.find_element(By.ID, "send").click()


def answer(driver: Any, pattern: str) -> tuple[str, str]:
    """The newest bot message whose text matches ``pattern``, once it is on the page: its
    message id and its text (elements are redrawn when the bot edits them)."""

    def found(d: Any) -> tuple[str, str] | bool:
        try:
            shown = [(m.get_attribute("data-id"), m.text) for m in bot_messages(d)]
        except StaleElementReferenceException:
            return False
        matching = [(i, text) for i, text in shown if re.search(pattern, text)]
        return matching[-1] if matching else False

    return WebDriverWait(driver, WAIT).until(found, f"no bot message matching {pattern!r}")


def press(driver: Any, message_id: str, label: str) -> None:
    """Press the button ``label`` under the bot's message ``message_id``."""
    xpath = f"//div[@data-id='{message_id}']//button[contains(., '{label}')]"
    WebDriverWait(driver, WAIT).until(ready.element_to_be_clickable((By.XPATH, xpath))).click()


def switch_to(driver: Any, key: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f".person[data-key='{key}']").click()
    WebDriverWait(driver, WAIT).until(
        ready.text_to_be_present_in_element((By.ID, "role"), ""), "the chat did not switch"
    )
