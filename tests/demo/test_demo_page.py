"""The demo in a real browser: report and undo as the inspector, the digest as the manager, a
dispute as the vendor lead — on the page, as a newcomer would try it."""

from __future__ import annotations

import re
import urllib.request
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.demo.chat import WAIT, answer, press, send, switch_to


def test_the_demo_page_reports_undoes_digests_and_disputes(demo_url: str, browser: Any) -> None:
    driver = browser
    driver.get(demo_url)
    people = WebDriverWait(driver, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".person"), "no demo people on the page"
    )
    names = [p.find_element(By.TAG_NAME, "b").text for p in people]
    assert names == ["王检查员", "李经理", "赵组长", "钱组长"]

    # The inspector reports and sees the confirmation with its Undo button, then undoes it.
    send(driver, "/handover 2")
    confirmation, text = answer(driver, r"已记录 #\d+")
    assert "数量 2" in text
    press(driver, confirmation, "撤销")
    answer(driver, r"报告 #\d+ 已撤销")

    # A report the vendor lead will dispute.
    send(driver, "/late 张三 25")
    _, reported = answer(driver, r"已记录 #\d+：迟到")
    entry = re.search(r"已记录 #(\d+)", reported)
    assert entry is not None

    # The manager's digest: the assessment, the xlsx (downloadable) and the chart.
    switch_to(driver, "manager")
    send(driver, "/digest")
    answer(driver, r"考核结果")
    sheet = WebDriverWait(driver, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".msg.bot .doc a"), "no xlsx on the page"
    )[-1]
    assert sheet.text.endswith(".xlsx")
    with urllib.request.urlopen(sheet.get_attribute("href")) as download:
        assert download.read(2) == b"PK"  # an xlsx is a zip file
    chart = WebDriverWait(driver, WAIT).until(
        lambda d: [i for i in d.find_elements(By.CSS_SELECTOR, ".msg.bot img") if i.size["height"]],
        "no chart shown",
    )
    assert chart

    # The vendor lead disputes the report; the bot confirms and offers to add photos.
    switch_to(driver, "vendor_lead")
    send(driver, f"/dispute {entry[1]} 打卡记录显示按时到岗")
    opened, _ = answer(driver, rf"已提交异议 #\d+：报告 #{entry[1]}")
    press(driver, opened, "完成")

    # The manager is asked to decide it.
    switch_to(driver, "manager")
    _, decision = answer(driver, rf"新异议 #\d+ .*\n.*报告 #{entry[1]}")
    assert "维持扣分" in decision
