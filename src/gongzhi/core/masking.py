"""Masking of personal data (PIPL): phones 138****5678, ID numbers first 6 + last 4, names 张*."""

from __future__ import annotations

import re

# Mainland mobiles, optionally written with +86 or separators; landlines such as 028-8765 4321.
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
# 18-digit resident ID numbers (last may be X) and old 15-digit ones.
_ID_NUMBER = re.compile(r"(?<![\dA-Za-z])(?:\d{17}[\dXx]|\d{15})(?![\dA-Za-z])")


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) >= 7:
        return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
    return "*" * len(digits)


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(name: str | None) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; Latin names keep their initial: Alice → A****."""
    if not name:
        return ""
    name = name.strip()
    if len(name) == 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


def mask_text(text: str) -> str:
    """Mask phone and ID numbers found anywhere in free text."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
