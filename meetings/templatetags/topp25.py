from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def progress_marks(count: int, limit: int) -> str:
    """●●●○○ for 3 of 5; decorative, always shown next to the same figure in words."""
    count, limit = int(count), int(limit)
    filled = max(0, min(count, limit))
    return "●" * filled + "○" * (limit - filled)
