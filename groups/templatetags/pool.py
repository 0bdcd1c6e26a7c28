from __future__ import annotations

from django import template

from groups.models import PoolSettings
from groups.pool_state import PoolView, pool_view
from meetings.models import Group, Meeting

register = template.Library()


@register.simple_tag
def idea_pool(group: Group) -> PoolView:
    """The group's pool as every member may see it now (rendered once per broadcast; a view
    that already read it for the same answer leaves it on the group)."""
    cached: PoolView | None = getattr(group, "_pool_view", None)
    return cached if cached is not None else pool_view(group)


@register.simple_tag
def pool_settings(meeting: Meeting) -> PoolSettings:
    return PoolSettings.for_meeting(meeting.pk)


@register.filter
def dot_marks(count: int) -> str:
    return "●" * min(int(count or 0), 20)
