from __future__ import annotations

from django import template

from groups.models import PoolSettings
from groups.pool_state import PoolView, pool_view
from meetings.models import Group, Meeting

register = template.Library()


@register.simple_tag
def idea_pool(group: Group) -> PoolView:
    """The group's pool as every member may see it now, read once per group object."""
    cached: PoolView | None = getattr(group, "_pool_view", None)
    if cached is None:
        # One broadcast renders the phone, room and console parts in every language from
        # the same group object: the pool is read once for all of them.
        cached = pool_view(group)
        group._pool_view = cached  # type: ignore[attr-defined]
    return cached


@register.simple_tag
def pool_settings(meeting: Meeting) -> PoolSettings:
    return PoolSettings.for_meeting(meeting.pk)


@register.filter
def dot_marks(count: int) -> str:
    return "●" * min(int(count or 0), 20)
