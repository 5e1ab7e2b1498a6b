"""Outbound notification channels. E-mail goes through Django's mail framework (EMAIL_BACKEND);
SMS and WeChat through a pluggable backend (GONGZHI_SMS_BACKEND, GONGZHI_WECHAT_BACKEND), with a
console backend for development that writes the message to the log."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("gongzhi.notifications")


class ChannelBackend(Protocol):
    def address(self, user: Any) -> str:
        """Where this user is reached on the channel; empty if nowhere."""

    def send(self, *, to: str, subject: str, body: str) -> None:
        """Send one message; raise on failure (the delivery is retried)."""


class EmailBackend:
    def address(self, user: Any) -> str:
        return str(user.email or "")

    def send(self, *, to: str, subject: str, body: str) -> None:
        send_mail(subject, body, None, [to], fail_silently=False)


class ConsoleSMSBackend:
    """Development SMS: logs the message instead of sending it."""

    sent: list[tuple[str, str]] = []  # kept for tests and the demo

    def address(self, user: Any) -> str:
        return str(user.phone or "")

    def send(self, *, to: str, subject: str, body: str) -> None:
        text = f"{subject} {body}".strip()
        ConsoleSMSBackend.sent.append((to, text))
        logger.warning("SMS to %s: %s", to, text)


class ConsoleWeChatBackend(ConsoleSMSBackend):
    """Development WeChat template message: logs it. A real one would map users to openids."""

    def address(self, user: Any) -> str:
        return ""  # no openid binding yet: WeChat is only reachable once users bind an account


def backend_for(channel: str) -> ChannelBackend:
    path = settings.GONGZHI_NOTIFY_BACKENDS[channel]
    return import_string(path)()  # type: ignore[no-any-return]
