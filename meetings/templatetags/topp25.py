from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

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


@register.simple_tag(takes_context=True)
def group_options(context: template.Context, groups: Sequence[Any], selected: int | None) -> str:
    """The `<option>`s of a group select, `selected` marked. Escaped once per render and
    reused for every row: the console's people table has a select per participant, and a
    template loop over the groups in each row cost ~1 ms per participant at 30 groups."""
    # Kept in the outermost context, which the whole render shares: each `{% partial %}` or
    # `{% include %}` of a row starts a render context of its own.
    key = f"_group_options_{id(groups)}"
    built = context.dicts[0].get(key)
    if built is None or built[0] is not groups:
        parts = [
            (group.pk, f'<option value="{group.pk}"', f">{escape(group.name)}</option>")
            for group in groups
        ]
        built = (groups, parts)
        context.dicts[0][key] = built
    return mark_safe(  # noqa: S308  (values are ints; names escaped above)
        "".join(
            f"{start} selected{end}" if pk == selected else start + end
            for pk, start, end in built[1]
        )
    )
