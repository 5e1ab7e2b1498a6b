"""The main navigation: a few groups of links by what people do, each link shown only to those
who may use its page.

This is the one place that decides which links the bar offers. Each rule is the check of the
page it leads to (the permission policy in gongzhi.core.permissions, the case pages' own rules in
`case_links_for`), so no new rule is made here. Building the bar spends no query of its own
beyond what those checks load once per request: the user's grants (one query) and, for a user
with no staff role, their handling units (one query).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import ResolverMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.templatetags.case_tags import case_links_for
from gongzhi.core import permissions


@dataclass(frozen=True)
class Link:
    url_name: str
    label: str | Promise
    # Other pages of this link's section (an app name, or view names) that mark it current.
    section: frozenset[str] = frozenset()

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass
class Group:
    key: str
    label: str | Promise
    links: list[tuple[Link, str]] = field(default_factory=list)  # (link, aria-current value)

    @property
    def current(self) -> bool:
        return any(state for _link, state in self.links)


@dataclass
class Navigation:
    groups: list[Group]
    account: list[tuple[Link, str]]
    notifications_current: bool

    @property
    def account_current(self) -> bool:
        return any(state for _link, state in self.account)


def _visible_links(user: Any) -> dict[str, list[Link]]:
    """Every link the user may follow, by group, in the order the menus show them."""
    signed_in = bool(getattr(user, "is_authenticated", False))
    cases = case_links_for(user)

    def may(perm: str) -> bool:
        return permissions.has_perm_anywhere(user, perm)

    def keep(*pairs: tuple[bool, Link]) -> list[Link]:
        return [link for shown, link in pairs if shown]

    dispatch, supervise = may("case.dispatch"), may("case.supervise")
    return {
        "cases": keep(
            (cases.get("mine", False), Link("cases:mine", _("My cases"))),
            (cases.get("report", False), Link("cases:report", _("Report a problem"))),
            (cases.get("register", False), Link("cases:register", _("Register a case"))),
            (cases.get("workbench", False), Link("cases:workbench", _("Workbench"))),
            (cases.get("dispatch", False), Link("cases:dispatch", _("Dispatch"))),
            (cases.get("supervision", False), Link("cases:supervision", _("Supervision"))),
        ),
        "affairs": keep(
            (True, Link("publicity:archive", _("Notices"), frozenset({"publicity"}))),
            (True, Link("publicity:programme", _("Programmes and projects"))),
            (signed_in, Link("consultation:mine", _("Questions"), frozenset({"consultation"}))),
            (may("consultation.view"), Link("consultation:staff", _("Questions of my places"))),
            (True, Link("consultation:faq_index", _("Community FAQs"))),
            (signed_in, Link("fund:list", _("Funds"), frozenset({"fund"}))),
        ),
        "duty": keep(
            (signed_in, Link("duty:now", _("Who is on duty"), frozenset({"duty"}))),
            (signed_in, Link("duty:inbox", _("On-duty inbox"))),
            (signed_in, Link("duty:my_shifts", _("My shifts"))),
            (may("duty.view"), Link("duty:rosters", _("Rosters"))),
            (may("volunteer.view"), Link("duty:volunteers", _("Volunteers"))),
        ),
        "data": keep(
            # The dashboard index sends supervisors and dispatchers to their place, and the
            # members of a handling unit (the same people the workbench link is for) to it. Their
            # units are loaded already for the workbench link: no query of its own.
            (
                supervise
                or dispatch
                or (cases.get("workbench", False) and bool(permissions.unit_ids_of(user))),
                Link("dashboard:index", _("Three-rate dashboard"), frozenset({"dashboard"})),
            ),
            (
                may("analytics.view"),
                Link(
                    "analytics:participation-index",
                    _("Participation rate"),
                    frozenset({"analytics"}),
                ),
            ),
        ),
        "account": keep(
            (may("staff.workbench"), Link("web:people", _("People"))),
            (may("audit.view"), Link("web:audit_log", _("Audit log"))),
            (signed_in, Link("web:notification_preferences", _("Notification preferences"))),
            (bool(getattr(user, "is_staff", False)), Link("admin:index", _("Administration"))),
        ),
    }


GROUP_LABELS: dict[str, str | Promise] = {
    "cases": _("Cases"),
    "affairs": _("Deliberation and publicity"),
    "duty": _("On watch"),
    "data": _("Data"),
}


def _current(links: list[Link], match: ResolverMatch | None) -> dict[str, str]:
    """aria-current for each link: "page" for the page itself, "true" for another page of its
    section (only when no link of the bar is the page itself)."""
    if match is None:
        return {}
    for link in links:
        if link.url_name == match.view_name:
            return {link.url_name: "page"}
    for link in links:
        if match.app_name in link.section or match.view_name in link.section:
            return {link.url_name: "true"}
    return {}


def main_navigation(user: Any, match: ResolverMatch | None) -> Navigation:
    visible = _visible_links(user)
    everything = [link for links in visible.values() for link in links]
    current = _current(everything, match)
    groups = [
        Group(key, label, [(link, current.get(link.url_name, "")) for link in visible[key]])
        for key, label in GROUP_LABELS.items()
        if visible[key]
    ]
    account = [(link, current.get(link.url_name, "")) for link in visible["account"]]
    on_notifications = match is not None and match.view_name == "web:notifications"
    return Navigation(groups=groups, account=account, notifications_current=on_notifications)
