"""The meeting's themes (found, then curated) and the editor's writes to them.

Each write is one function: keyword-only, atomic, raising DomainError with a stable `.code`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from groups.models import SuccessFactor
from meetings.errors import STATUS_BY_CODE, DomainError
from meetings.models import Group, Meeting

from .models import THEME_LABEL_MAX_LENGTH, CuratedTheme, ThemeFactor
from .themes import MIN_GROUPS, Factor, find_themes

STATUS_BY_CODE["theme_gone"] = 404


@dataclass(frozen=True)
class ThemeGroup:
    key: str  # the group's pk as text: stable for the meeting's lifetime
    name: str


@dataclass(frozen=True)
class ThemeFactorRef:
    factor_id: int
    group: str  # ThemeGroup.key
    group_name: str
    position: int
    text: str


@dataclass(frozen=True)
class Theme:
    """A theme as the editor sees it. `key` names it in forms: "t<id>" once curated, else the
    finder's concept."""

    key: str
    label: str
    factors: tuple[ThemeFactorRef, ...]
    groups: tuple[ThemeGroup, ...]
    curated: bool = False
    dismissed: bool = False

    @property
    def dom_id(self) -> str:
        """An HTML id that stays the same while the key does, so focus can follow a theme
        through a re-render (the key itself may hold spaces and any letter)."""
        return "theme-" + hashlib.sha1(self.key.encode(), usedforsecurity=False).hexdigest()[:10]

    def named_by(self, group_key: str) -> bool:
        return any(group.key == group_key for group in self.groups)


@dataclass(frozen=True)
class MeetingThemes:
    themes: list[Theme]
    dismissed: list[Theme]
    groups: list[ThemeGroup]  # every home group, in seating order (the M of "N av M")


def _home_groups(meeting: Meeting) -> list[Group]:
    return list(meeting.home_groups().order_by("position", "pk"))


def _home_factors(groups: list[Group]) -> list[SuccessFactor]:
    order = {group.pk: index for index, group in enumerate(groups)}
    factors = SuccessFactor.objects.filter(group__in=groups).select_related("group")
    return sorted(factors, key=lambda factor: (order[factor.group_id], factor.position))


def _ref(factor: SuccessFactor) -> ThemeFactorRef:
    return ThemeFactorRef(
        factor_id=factor.pk,
        group=str(factor.group_id),
        group_name=factor.group.name,
        position=factor.position,
        text=factor.text,
    )


def _final(theme: CuratedTheme, curated: dict[int, CuratedTheme]) -> CuratedTheme:
    seen = {theme.pk}
    while theme.merged_into_id is not None and theme.merged_into_id in curated:
        theme = curated[theme.merged_into_id]
        if theme.pk in seen:  # a cycle cannot be written by the services; never loop anyway
            break
        seen.add(theme.pk)
    return theme


def all_meeting_themes(meeting: Meeting) -> MeetingThemes:
    """Run the finder on the home groups' factors and apply the editor's curation on top."""
    groups = _home_groups(meeting)
    factors = _home_factors(groups)
    by_key = {(str(factor.group_id), factor.position): factor for factor in factors}
    found = find_themes(
        Factor(str(factor.group_id), factor.group.name, factor.position, factor.text)
        for factor in factors
    )
    curated = {theme.pk: theme for theme in CuratedTheme.objects.filter(meeting=meeting)}
    by_concept = {theme.concept: theme for theme in curated.values() if theme.concept}
    pins = {
        factor_id: theme_id
        for factor_id, theme_id in ThemeFactor.objects.filter(theme__meeting=meeting).values_list(
            "factor_id", "theme_id"
        )
    }

    # Slots: a curated theme (by pk) or a found concept nobody has touched yet.
    labels: dict[int | str, str] = {}
    members: dict[int | str, list[SuccessFactor]] = {}
    for found_theme in found:
        target = by_concept.get(found_theme.concept)
        slot: int | str = _final(target, curated).pk if target else found_theme.concept
        labels.setdefault(slot, found_theme.label)
        bucket = members.setdefault(slot, [])
        for found_factor in found_theme.factors:
            factor = by_key[found_factor.key]
            if factor.pk not in pins:
                bucket.append(factor)
    for factor in factors:
        if factor.pk in pins:
            slot = _final(curated[pins[factor.pk]], curated).pk
            members.setdefault(slot, []).append(factor)

    order = {factor.pk: index for index, factor in enumerate(factors)}
    group_refs = [ThemeGroup(str(group.pk), group.name) for group in groups]
    shown: list[Theme] = []
    dismissed: list[Theme] = []
    for slot, slot_factors in members.items():
        if not slot_factors:
            continue
        slot_factors.sort(key=lambda factor: order[factor.pk])
        named = {str(factor.group_id) for factor in slot_factors}
        theme_groups = tuple(group for group in group_refs if group.key in named)
        row = curated.get(slot) if isinstance(slot, int) else None
        if row is None and len(theme_groups) < MIN_GROUPS:
            continue  # an untouched found theme that curation elsewhere left to one group
        theme = Theme(
            key=f"t{row.pk}" if row else str(slot),
            label=(row.label if row and row.label else labels.get(slot, "")),
            factors=tuple(_ref(factor) for factor in slot_factors),
            groups=theme_groups,
            curated=row is not None,
            dismissed=bool(row and row.dismissed),
        )
        (dismissed if theme.dismissed else shown).append(theme)
    shown.sort(key=lambda theme: (-len(theme.groups), -len(theme.factors), theme.label.lower()))
    dismissed.sort(key=lambda theme: theme.label.lower())
    return MeetingThemes(themes=shown, dismissed=dismissed, groups=group_refs)


def meeting_themes(meeting: Meeting) -> list[Theme]:
    """The meeting's themes as the editor left them (dismissed ones left out)."""
    return all_meeting_themes(meeting).themes


def themes_data(meeting: Meeting, group_keys: Mapping[int, str]) -> list[dict[str, Any]]:
    """The themes for the JSON export: `[{"label": …, "factors": [{"group": <group key>,
    "position": <n>}, …]}, …]`, with the export's own group keys (group pk → "g3")."""
    return [
        {
            "label": theme.label,
            "factors": [
                {"group": group_keys[int(factor.group)], "position": factor.position}
                for factor in theme.factors
            ],
        }
        for theme in meeting_themes(meeting)
    ]


# --- Curation ----------------------------------------------------------------------------


def _lock(meeting: Meeting) -> Meeting:
    # One editor's curation at a time per meeting: merges read and write several rows.
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _clean_label(label: str) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise DomainError("label_blank", _("Skriv ett namn på temat."))
    if len(label) > THEME_LABEL_MAX_LENGTH:
        raise DomainError(
            "label_too_long",
            _("Temats namn får vara högst %(max)d tecken.") % {"max": THEME_LABEL_MAX_LENGTH},
        )
    return label


def _theme_gone() -> DomainError:
    return DomainError(
        "theme_gone",
        _("Temat finns inte längre — ladda om sidan och försök igen."),
    )


def _shown(meeting: Meeting, key: str) -> Theme:
    """The theme a form's key names, among those shown now."""
    key = (key or "").strip()
    for theme in all_meeting_themes(meeting).themes:
        if theme.key == key:
            return theme
    raise _theme_gone()


def _row_for(meeting: Meeting, theme: Theme) -> CuratedTheme:
    """The theme's CuratedTheme, made on its first curation (keyed by the finder's concept)."""
    if theme.curated:
        return CuratedTheme.objects.get(meeting=meeting, pk=int(theme.key[1:]))
    return CuratedTheme.objects.get_or_create(meeting=meeting, concept=theme.key)[0]


@transaction.atomic
def rename_theme(*, meeting: Meeting, theme_key: str, label: str) -> CuratedTheme:
    label = _clean_label(label)
    meeting = _lock(meeting)
    row = _row_for(meeting, _shown(meeting, theme_key))
    row.label = label
    row.save(update_fields=["label", "updated_at"])
    return row


@transaction.atomic
def dismiss_theme(*, meeting: Meeting, theme_key: str) -> CuratedTheme:
    meeting = _lock(meeting)
    row = _row_for(meeting, _shown(meeting, theme_key))
    row.dismissed = True
    row.save(update_fields=["dismissed", "updated_at"])
    return row


@transaction.atomic
def restore_theme(*, meeting: Meeting, theme_key: str) -> CuratedTheme:
    meeting = _lock(meeting)
    key = (theme_key or "").strip()
    row = None
    if key.startswith("t") and key[1:].isdigit():
        row = CuratedTheme.objects.filter(meeting=meeting, pk=int(key[1:])).first()
    if row is None:
        raise _theme_gone()
    row.dismissed = False
    row.save(update_fields=["dismissed", "updated_at"])
    return row


@transaction.atomic
def merge_themes(*, meeting: Meeting, theme_key: str, into_key: str) -> CuratedTheme:
    """Everything in `theme_key` joins `into_key`, now and on every later run of the finder
    (the merged theme's concept keeps pointing at the target)."""
    meeting = _lock(meeting)
    if (theme_key or "").strip() == (into_key or "").strip():
        raise DomainError("merge_same", _("Välj ett annat tema att slå ihop med."))
    source_theme, target_theme = _shown(meeting, theme_key), _shown(meeting, into_key)
    source, target = _row_for(meeting, source_theme), _row_for(meeting, target_theme)
    target.label = target.label or target_theme.label
    target.dismissed = False
    target.save(update_fields=["label", "dismissed", "updated_at"])
    # Themes already merged into the source now point at the target: no chains.
    CuratedTheme.objects.filter(meeting=meeting, merged_into=source).update(merged_into=target)
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    factor_ids = [factor.factor_id for factor in source_theme.factors]
    ThemeFactor.objects.filter(factor_id__in=factor_ids).delete()
    ThemeFactor.objects.bulk_create(
        [ThemeFactor(theme=target, factor_id=factor_id) for factor_id in factor_ids]
    )
    _clear_stale_pins(meeting)
    return target


@transaction.atomic
def split_factor(*, meeting: Meeting, factor_id: int | None, label: str) -> CuratedTheme:
    """Move one factor out of its theme into a new theme of its own, named `label`."""
    label = _clean_label(label)
    meeting = _lock(meeting)
    factor = SuccessFactor.objects.filter(
        pk=factor_id or 0, group__meeting=meeting, group__kind=Group.Kind.HOME
    ).first()
    if factor is None:
        raise DomainError(
            "factor_gone",
            _("Framgångsfaktorn finns inte längre — ladda om sidan och försök igen."),
        )
    theme = CuratedTheme.objects.create(meeting=meeting, label=label)
    ThemeFactor.objects.update_or_create(factor_id=factor.pk, defaults={"theme": theme})
    _clear_stale_pins(meeting)
    return theme


def _clear_stale_pins(meeting: Meeting) -> None:
    """Pins of factors that were removed since (ids are never reused, so they only sit)."""
    existing = SuccessFactor.objects.filter(group__meeting=meeting).values("pk")
    ThemeFactor.objects.filter(theme__meeting=meeting).exclude(factor_id__in=existing).delete()


@transaction.atomic
def reset_themes(*, meeting: Meeting) -> None:
    """Forget every curation: themes are found afresh again."""
    meeting = _lock(meeting)
    CuratedTheme.objects.filter(meeting=meeting).delete()
