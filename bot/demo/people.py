"""The demo's people: one per role on the demo contract, and a vendor lead of a second one."""

from __future__ import annotations

from dataclasses import dataclass

from bot.localapi import FakeUser
from storage.models import Role

CONTRACT_ID = "demo"
# A second, small contract with its own vendor lead: the Mini App refuses them the first one's
# figures and evidence, as the chat does.
OTHER_CONTRACT_ID = "demo-other"


@dataclass(frozen=True, slots=True)
class DemoPerson:
    """Who the page lets you be: a Telegram user with a role on one of the demo contracts."""

    key: str
    role: Role
    zh: str
    en: str
    user_id: int
    contract: str = CONTRACT_ID

    def user(self, lang: str) -> FakeUser:
        return FakeUser(self.user_id, self.name(lang), language_code=lang)

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


# The page's people, in its order.
PEOPLE = (
    DemoPerson("inspector", Role.INSPECTOR, "王检查员", "Inspector Wang", 710001),
    DemoPerson("manager", Role.MANAGER, "李经理", "Manager Li", 710002),
    DemoPerson("vendor_lead", Role.VENDOR_LEAD, "赵组长", "Vendor lead Zhao", 710003),
    DemoPerson(
        "other_vendor_lead",
        Role.VENDOR_LEAD,
        "钱组长",
        "Vendor lead Qian",
        710006,
        OTHER_CONTRACT_ID,
    ),
)
# Inspectors who reported before the demo started (they have no chat on the page).
OTHER_INSPECTORS = (
    DemoPerson("inspector_2", Role.INSPECTOR, "陈检查员", "Inspector Chen", 710004),
    DemoPerson("inspector_3", Role.INSPECTOR, "刘检查员", "Inspector Liu", 710005),
    DemoPerson(
        "inspector_4", Role.INSPECTOR, "孙检查员", "Inspector Sun", 710007, OTHER_CONTRACT_ID
    ),
)
STAFF = ("张三", "李四", "王五", "赵六", "孙七", "周八", "吴九", "郑十")
OTHER_STAFF = ("钱一", "冯二", "陈三", "褚四")
