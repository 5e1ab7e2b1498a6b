from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

TEMPLATE = Template("{% load text_tags %}{{ names|list_join }}")


def render(language: str, names: list[str]) -> str:
    with translation.override(language):
        return TEMPLATE.render(Context({"names": names}))


def test_lists_are_joined_as_each_language_writes_them():
    assert render("zh-hans", ["张伟", "李娜"]) == "张伟、李娜"
    assert render("zh-hant", ["張偉", "李娜"]) == "張偉、李娜"
    assert render("en", ["Zhang Wei", "Li Na"]) == "Zhang Wei, Li Na"


def test_the_items_are_escaped():
    assert render("en", ["<b>x</b>", "y"]) == "&lt;b&gt;x&lt;/b&gt;, y"
