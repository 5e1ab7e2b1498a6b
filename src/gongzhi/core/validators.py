from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def validate_mainland_mobile(value: str) -> None:
    if value and not MAINLAND_MOBILE.match(value):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number, e.g. 13812345678."), code="phone"
        )


def is_digits(text: str) -> bool:
    """Whether `text` is ASCII digits only, so `int(text)` reads it as it looks. (`str.isdigit`
    is also true of "²", which int() refuses, and of "٣", which it reads as 3.)"""
    return text.isascii() and text.isdigit()
