from __future__ import annotations

import pytest

from gongzhi.core.validators import is_digits


@pytest.mark.parametrize("text", ["0", "42", "9223372036854775807"])
def test_ascii_digits_are_digits(text):
    assert is_digits(text) and int(text) >= 0


@pytest.mark.parametrize("text", ["", "²", "٣", "1²", "-1", " 1", "1.0", "１"])
def test_anything_else_is_not(text):
    assert not is_digits(text)
