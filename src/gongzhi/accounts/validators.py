from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class CharacterClassValidator:
    """等保 level 2: a password mixes at least `min_classes` of lower, upper, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def classes(self, password: str) -> int:
        return sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )

    def validate(self, password: str, user: Any = None) -> None:
        if self.classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_character_classes")

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must mix at least %(n)d kind of character "
            "(lower-case, upper-case, digits, symbols).",
            "Your password must mix at least %(n)d kinds of characters "
            "(lower-case, upper-case, digits, symbols).",
            self.min_classes,
        ) % {"n": self.min_classes}
