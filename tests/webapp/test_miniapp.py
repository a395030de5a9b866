"""The Mini App in a real browser, on ``floorbot demo``: every page for every role, the
assessment's figures against ``floorbot report``, a dispute and its decision made in the Mini
App and told in the chat, and the refusals (another contract's vendor lead, forged launch
data)."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select, WebDriverWait

from bot.services.errors import BotError
from bot.texts.i18n import t
from bot.texts.reports import render_error
from tests.demo.chat import answer, send, switch_to
from tests.webapp.conftest import Demo
from tests.webapp.pages import (
    WAIT,
    by_id,
    click,
    go,
    images_loaded,
    launch_url,
    open_app,
    phone,
    ready_mark,
    rendered,
    report,
    sheet_points,
    shot,
    text,
    wide,
)

ROLES = ("inspector", "manager", "vendor_lead")
CONTRACT = "demo"


def findings(driver: Any) -> list[Any]:
    return list(driver.find_elements(*by_id("finding")))


def finding_with(driver: Any, state: str, photos: bool = False) -> Any:
    """The newest finding on the list in ``state`` (with photos, if asked)."""
    for item in findings(driver):
        shown = item.find_element(*by_id("finding-state")).get_attribute("class")
        if state in shown.split() and (not photos or item.find_elements(*by_id("finding-photos"))):
            return item
    raise AssertionError(f"no {state} finding on the list")


def test_each_page_for_each_role(demo: Demo, browser: Any) -> None:
    for person in ROLES:
        view = open_app(browser, demo.url, person)
        assert re.fullmatch(r"\d+(\.\d+)?", text(browser, "score")), person
        assert view.find_elements(*by_id("line")), "the sheet has no lines"
        assert browser.find_element(*by_id("tab-assessment")).get_attribute("class") == "active"
        if person == "manager":
            shot(browser, "assessment")

        go(browser, "tab-trend", "trend")
        assert images_loaded(browser, "trend-chart")
        assert browser.find_elements(*by_id("trend-period")), "no score by period"
        if person == "manager":
            shot(browser, "trend")

        go(browser, "tab-deductions", "deductions")
        count = len(findings(browser))
        assert count > 0
        assert text(browser, "findings-count") == f"共 {count} 条"
        if person == "vendor_lead":
            shot(browser, "deductions")

        # The newest finding with photos: its evidence and its audit trail, for everyone.
        disputed = person == "manager"
        chosen = finding_with(browser, "disputed" if disputed else "recorded", photos=True)
        click(browser, chosen, "finding")
        assert images_loaded(browser, "evidence-photo")
        assert browser.find_elements(*by_id("trail-entry"))
        forms = {
            f: bool(browser.find_elements(*by_id(f))) for f in ("dispute-form", "decision-form")
        }
        # Only a vendor lead may dispute, within the window; only a manager decide, an open one.
        assert forms == {"dispute-form": person == "vendor_lead", "decision-form": disputed}
        if person == "vendor_lead":
            shot(browser, "dispute")
        if disputed:
            assert text(browser, "dispute-status") == "异议待处理"
            shot(browser, "decision", at="evidence")
        go(browser, "back", "deductions")

    # The zh/en switch: the same page in English, its figures unchanged.
    go(browser, "tab-assessment", "assessment")
    score = text(browser, "score")
    go(browser, "lang-switch", "assessment")
    assert text(browser, "tab-assessment") == "Assessment"
    assert text(browser, "score") == score
    go(browser, "lang-switch", "assessment")
    assert text(browser, "tab-assessment") == "考核表"


def check_sheet(driver: Any, data: dict[str, Any]) -> None:
    """The page's score, money and every line against the report's JSON."""
    assert text(driver, "score") == data["score"]
    assert text(driver, "points-deducted") == data["points_deducted"]
    fee = data["money"]["fee_deduction"]
    assert text(driver, "fee") == f"{fee} 元"
    rows = {r.get_attribute("data-code"): r for r in driver.find_elements(*by_id("line"))}
    assert sorted(rows) == sorted(line["code"] for line in data["lines"])
    for line in data["lines"]:
        row = rows[line["code"]]
        quantity = row.find_element(*by_id("line-quantity")).get_attribute("textContent")
        points = row.find_element(*by_id("line-points")).get_attribute("textContent")
        assert row.get_attribute("data-count") == str(line["count"]), line["code"]
        assert quantity == (line["quantity"] if line["count"] else "—"), line["code"]
        assert points == sheet_points(line), line["code"]
    sections = {s.get_attribute("data-code"): s for s in driver.find_elements(*by_id("section"))}
    assert sorted(sections) == sorted(s["code"] for s in data["sections"])
    warnings = driver.find_elements(*by_id("warning"))
    assert len(warnings) == len(data["warnings"])


def test_the_assessment_shows_the_figures_of_the_report(demo: Demo, browser: Any) -> None:
    open_app(browser, demo.url, "manager")
    picker = Select(browser.find_element(*by_id("period-picker")))
    current = picker.first_selected_option.get_attribute("value")
    check_sheet(browser, report(demo.database, CONTRACT, current))
    # The month before, from the period picker: the same figures as its report.
    earlier = [o.get_attribute("value") for o in picker.options][1]
    before = ready_mark(browser)
    picker.select_by_value(earlier)
    rendered(browser, "assessment", before)
    check_sheet(browser, report(demo.database, CONTRACT, earlier))


def photo_file(folder: Path) -> Path:
    path = folder / "clock-in.jpg"
    image = Image.new("RGB", (320, 240), (180, 200, 220))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def into_sheet(driver: Any, opener: Any) -> None:
    """Open the Mini App from the chat (a web_app button or the menu button) and enter it."""
    opener.click()
    frame = WebDriverWait(driver, WAIT).until(
        ready.visibility_of_element_located(by_id("webapp-frame"))
    )
    driver.switch_to.frame(frame)


def out_of_sheet(driver: Any) -> None:
    driver.switch_to.default_content()
    driver.find_element(*by_id("webapp-close")).click()


def test_a_dispute_and_its_decision_in_the_mini_app(
    demo: Demo, browser: Any, tmp_path: Path
) -> None:
    wide(browser)
    try:
        browser.get(demo.url)
        # The inspector reports three tickets not handed over (0.3 points).
        switch_to(browser, "inspector")
        send(browser, "/handover 3")
        _, confirmed = answer(browser, r"已记录 #\d+")
        entry = re.search(r"已记录 #(\d+)", confirmed)
        assert entry is not None
        entry_id = entry[1]

        # The vendor lead opens the table from /deductions and disputes it with a photo.
        switch_to(browser, "vendor_lead")
        send(browser, "/deductions")
        listed, _ = answer(browser, rf"#{entry_id}")
        button = f"div[data-id='{listed}'] button.web-app"
        into_sheet(
            browser,
            WebDriverWait(browser, WAIT).until(
                ready.element_to_be_clickable((By.CSS_SELECTOR, button))
            ),
        )
        rendered(browser, "deductions")
        item = browser.find_element(
            By.CSS_SELECTOR, f"[data-testid='finding'][data-id='{entry_id}']"
        )
        click(browser, item, "finding")
        browser.find_element(*by_id("dispute-reason")).send_keys("交接班记录显示已交接")
        browser.find_element(*by_id("dispute-photo-input")).send_keys(str(photo_file(tmp_path)))
        before = ready_mark(browser)
        browser.find_element(*by_id("dispute-submit")).click()
        rendered(browser, "finding", before)
        notice = text(browser, "notice")
        opened = re.search(r"已提交异议 #(\d+)", notice)
        assert opened is not None, notice
        assert text(browser, "dispute-status") == "异议待处理"
        assert images_loaded(browser, "dispute-photo")
        assert not browser.find_elements(*by_id("dispute-form"))
        out_of_sheet(browser)

        # The manager is told in the chat, and decides in the Mini App from the menu button.
        switch_to(browser, "manager")
        answer(browser, rf"新异议 #{opened[1]} .*\n.*报告 #{entry_id}")
        menu = WebDriverWait(browser, WAIT).until(
            ready.element_to_be_clickable(by_id("menu-button"))
        )
        into_sheet(browser, menu)
        rendered(browser, "assessment")
        score_before = Decimal(text(browser, "score"))
        go(browser, "tab-deductions", "deductions")
        item = browser.find_element(
            By.CSS_SELECTOR, f"[data-testid='finding'][data-id='{entry_id}']"
        )
        click(browser, item, "finding")
        assert images_loaded(browser, "dispute-photo")
        browser.find_element(By.CSS_SELECTOR, "label:has([data-testid='outcome-reduce'])").click()
        browser.find_element(*by_id("decision-figure")).send_keys("1")
        browser.find_element(*by_id("decision-reason")).send_keys("核实后只有一张未交接")
        before = ready_mark(browser)
        browser.find_element(*by_id("decision-submit")).click()
        rendered(browser, "finding", before)
        assert f"异议 #{opened[1]} 已处理" in text(browser, "notice")
        assert text(browser, "dispute-status") == "已减扣"
        assert text(browser, "finding-cost") == "-0.1"
        assert not browser.find_elements(*by_id("decision-form"))
        go(browser, "tab-assessment", "assessment")
        score_after = Decimal(text(browser, "score"))
        assert score_after - score_before == Decimal("0.2")
        period = Select(browser.find_element(*by_id("period-picker")))
        current = period.first_selected_option.get_attribute("value")
        assert report(demo.database, CONTRACT, current)["score"] == text(browser, "score")
        browser.switch_to.default_content()
        assert browser.find_element(*by_id("webapp-sheet")).is_displayed()
        shot(browser, "in-the-demo")  # the Mini App over the manager's chat
        out_of_sheet(browser)

        # The vendor lead and the inspector are told the decision in their chats.
        switch_to(browser, "vendor_lead")
        answer(browser, rf"异议 #{opened[1]} 已处理：减扣")
        switch_to(browser, "inspector")
        answer(browser, rf"被提出异议（#{opened[1]}），已处理：减扣")
    finally:
        browser.switch_to.default_content()
        phone(browser)


def forged(url: str, user_id: int) -> str:
    """The launch URL with another user id in its signed launch data (the hash unchanged)."""
    head, fragment = url.split("#", 1)
    keys = dict(parse_qsl(fragment))
    fields = dict(parse_qsl(keys["tgWebAppData"]))
    user = json.loads(fields["user"])
    fields["user"] = fields["user"].replace(f'"id":{user["id"]},', f'"id":{user_id},')
    assert json.loads(fields["user"])["id"] == user_id
    keys["tgWebAppData"] = urlencode(fields)
    return f"{head}#{urlencode(keys, quote_via=quote)}"


def test_another_contracts_lead_and_forged_launch_data_are_refused(
    demo: Demo, browser: Any
) -> None:
    # The second contract's vendor lead sees their own contract ...
    open_app(browser, demo.url, "other_vendor_lead")
    assert text(browser, "score")
    assert text(browser, "contract-title").startswith("青云店镇")
    # ... and nothing of the first: not its assessment, not a finding of it (by deep link).
    open_app(browser, demo.url, "manager", "tab=deductions", "deductions")
    entry = findings(browser)[0].get_attribute("data-id")
    open_app(browser, demo.url, "other_vendor_lead", f"contract={CONTRACT}&tab=assessment")
    refused = render_error("zh", BotError("forbidden_score", contract=CONTRACT))
    assert text(browser, "refusal") == refused
    assert not browser.find_elements(*by_id("score"))
    open_app(browser, demo.url, "other_vendor_lead", f"finding={entry}", "finding")
    assert text(browser, "refusal")
    assert not browser.find_elements(*by_id("finding-detail"))
    assert not browser.find_elements(*by_id("evidence-photo"))

    # Launch data whose user id was changed: the signature no longer matches; 401, nothing else.
    browser.get("about:blank")
    browser.get(forged(launch_url(demo.url, "vendor_lead"), 710002))
    message = WebDriverWait(browser, WAIT).until(
        ready.visibility_of_element_located(by_id("fatal-message"))
    )
    assert message.text == t("zh", "launch_forged")
    assert not browser.find_element(By.ID, "top").is_displayed()
    assert not browser.find_elements(*by_id("score"))
