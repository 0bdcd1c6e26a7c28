from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def progress_marks(count: int, limit: int) -> str:
    """●●●○○ for 3 of 5; decorative, always shown next to the same figure in words."""
    count, limit = int(count), int(limit)
    filled = max(0, min(count, limit))
    return "●" * filled + "○" * (limit - filled)


@register.filter
def clock(seconds: int | None) -> str:
    """12:05 for 725 seconds; 0:00 once time has run out (nothing is taken away then)."""
    if seconds is None:
        return ""
    left = max(0, int(seconds))
    hours, rest = divmod(left, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
