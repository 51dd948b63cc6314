from __future__ import annotations

from django import template

from samspil.fieldwork.monitoring import percent

register = template.Library()


@register.simple_tag
def pct(part: int, whole: int) -> str:
    return percent(part, whole)
