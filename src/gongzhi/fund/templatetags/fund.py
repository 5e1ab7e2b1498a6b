from django import template

from gongzhi.fund.services import yuan as yuan_text

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """Fen as yuan with thousands separators: 123456 → 1,234.56."""
    return yuan_text(int(fen or 0))
