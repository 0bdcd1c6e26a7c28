"""Multi-model writes for editors, each one function, atomic, raising DomainError: the
summary workspace (the editor's wording, paragraphs, order, publishing, series) and the
meeting's themes (found, then curated).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groups.models import SuccessFactor
from groups.services import clean_factor_text
from meetings import services as meeting_services
from meetings.errors import Conflict, DomainError, NotFound
from meetings.locks import lock
from meetings.models import Group, Meeting, PhaseKind, Series
from meetings.text import clean_text

from . import document
from .document import EditorTheme as Theme
from .document import MeetingDocument, MeetingThemes, ThemeFactorRef, ThemeGroup, order_of
from .models import (
    MAX_YEAR,
    MIN_YEAR,
    THEME_LABEL_MAX_LENGTH,
    CuratedTheme,
    FactorEdit,
    IndicatorValue,
    SeriesIndicator,
    SummaryChange,
    SummaryDraft,
    ThemeFactor,
)
from .themes import MIN_GROUPS, Factor, find_themes

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    Editor = User | AnonymousUser | None

PARAGRAPH_MAX_LENGTH = 5000
# One person's autosaves to one text within this time are one entry of the history.
HISTORY_MERGE_WINDOW = datetime.timedelta(minutes=10)
TEXT_FIELDS = {
    "lead": SummaryChange.Kind.LEAD,
    "closing": SummaryChange.Kind.CLOSING,
}


def draft_for(meeting: Meeting) -> SummaryDraft:
    """The meeting's draft, made on first use (two first visits at once make one)."""
    draft = SummaryDraft.objects.filter(meeting=meeting).first()
    if draft is not None:
        return draft
    try:
        with transaction.atomic():
            return SummaryDraft.objects.create(meeting=meeting)
    except IntegrityError:
        return SummaryDraft.objects.get(meeting=meeting)


def _locked_draft(meeting: Meeting) -> SummaryDraft:
    draft_for(meeting)
    return lock(SummaryDraft.objects.select_related("meeting")).get(meeting=meeting)


def _person(user: Editor) -> User | None:
    """The user to remember in the history (None for no one or an anonymous request)."""
    return user if user is not None and user.is_authenticated else None


def _record(
    draft: SummaryDraft,
    *,
    kind: str,
    user: Editor,
    old: str = "",
    new: str = "",
    subject: str = "",
    factor_id: int | None = None,
) -> None:
    now = timezone.now()
    mergeable = kind in (SummaryChange.Kind.LEAD, SummaryChange.Kind.CLOSING)
    mergeable = mergeable or kind == SummaryChange.Kind.FACTOR
    latest = draft.changes.order_by("-changed_at", "-pk").first()
    if (
        mergeable
        and latest is not None
        and latest.kind == kind
        and latest.factor_id == factor_id
        and _person(user) is not None
        and latest.user_id == user.pk  # type: ignore[union-attr]
        and now - latest.changed_at < HISTORY_MERGE_WINDOW
    ):
        latest.new_text = new
        latest.changed_at = now
        latest.save(update_fields=["new_text", "changed_at"])
        return
    SummaryChange.objects.create(
        draft=draft,
        kind=kind,
        user=_person(user),
        factor_id=factor_id,
        subject=subject,
        old_text=old,
        new_text=new,
        changed_at=now,
    )


class EditConflict(Conflict):
    """Someone saved the same text since this editor loaded it; carries what is stored now."""

    def __init__(self, message: str, *, text: str, version: int, user: str) -> None:
        super().__init__("stale", message)
        self.current_text = text
        self.current_version = version
        self.by = user


def _conflict(message: str, *, text: str, version: int, user: str) -> EditConflict:
    return EditConflict(message, text=text, version=version, user=user)


def _ensure_version_sent(version: int | None) -> None:
    if version is None:
        raise DomainError(
            "version_missing", _("Sidan är för gammal — ladda om den och försök igen.")
        )


def clean_paragraph(raw: str | None) -> str:
    # Keep the editor's paragraphs, drop trailing space and Windows line ends.
    lines = [line.rstrip() for line in clean_text(raw, multiline=True).split("\n")]
    text = "\n".join(lines).strip()
    if len(text) > PARAGRAPH_MAX_LENGTH:
        raise DomainError(
            "too_long",
            _("Texten får vara högst %(max)d tecken — den är %(length)d. Korta ner den.")
            % {"max": PARAGRAPH_MAX_LENGTH, "length": len(text)},
        )
    return text


@transaction.atomic
def save_text(
    *,
    meeting: Meeting,
    field: str,
    text: str,
    version: int | None,
    user: Editor,
) -> SummaryDraft:
    """Save the lead ("lead") or the closing paragraph ("closing")."""
    if field not in TEXT_FIELDS:
        raise NotFound("field", _("Det finns ingen sådan text i sammanfattningen."))
    text = clean_paragraph(text)
    draft = _locked_draft(meeting)
    current: str = getattr(draft, field)
    current_version: int = getattr(draft, f"{field}_version")
    if current == text:
        return draft  # already so: a resent form, or two editors typing the same
    _ensure_version_sent(version)
    if version != current_version:
        latest = draft.changes.filter(kind=TEXT_FIELDS[field]).select_related("user").first()
        raise _conflict(
            _(
                "Någon annan har just ändrat den här texten. Din text finns kvar i rutan — "
                "jämför med den sparade och välj vilken som ska gälla."
            ),
            text=current,
            version=current_version,
            user=latest.user.get_username() if latest and latest.user else "",
        )
    setattr(draft, field, text)
    setattr(draft, f"{field}_version", current_version + 1)
    draft.save(update_fields=[field, f"{field}_version", "updated_at"])
    _record(draft, kind=TEXT_FIELDS[field], user=user, old=current, new=text)
    return draft


def factor_subject(factor: SuccessFactor) -> str:
    return _("%(group)s, faktor %(position)d") % {
        "group": factor.group.name,
        "position": factor.position,
    }


@transaction.atomic
def save_factor_wording(
    *,
    meeting: Meeting,
    factor_id: int,
    text: str,
    version: int | None,
    user: Editor,
    reset: bool = False,
) -> FactorEdit | None:
    """The editor's wording of one factor. The group's own text is never changed.

    `reset` puts the group's wording back. Returns None when nothing was ever edited.
    """
    draft = _locked_draft(meeting)
    factor = (
        SuccessFactor.objects.select_related("group")
        .filter(pk=factor_id, group__meeting=meeting)
        .first()
    )
    if factor is None:
        raise NotFound(
            "factor_gone",
            _("Framgångsfaktorn finns inte längre — gruppen har tagit bort den. Ladda om sidan."),
        )
    text = factor.text if reset else clean_factor_text(text)
    edit = draft.factor_edits.filter(factor_id=factor.pk).first()
    current = edit.text if edit is not None else factor.text
    current_version = edit.version if edit is not None else 0
    if current == text:
        return edit
    _ensure_version_sent(version)
    if version != current_version:
        latest = (
            draft.changes.filter(kind=SummaryChange.Kind.FACTOR, factor_id=factor.pk)
            .select_related("user")
            .first()
        )
        raise _conflict(
            _(
                "Någon annan har just ändrat formuleringen av den här faktorn. Din text finns "
                "kvar i rutan — jämför med den sparade och välj vilken som ska gälla."
            ),
            text=current,
            version=current_version,
            user=latest.user.get_username() if latest and latest.user else "",
        )
    if edit is None:
        edit = FactorEdit(draft=draft, group=factor.group, factor_id=factor.pk, version=0)
    edit.text = text
    edit.based_on = factor.text
    edit.version = current_version + 1
    edit.save()
    _record(
        draft,
        kind=SummaryChange.Kind.FACTOR,
        user=user,
        old=current,
        new=text,
        subject=factor_subject(factor),
        factor_id=factor.pk,
    )
    return edit


def _group_names(pks: list[int], groups: dict[int, Group]) -> str:
    return ", ".join(groups[pk].name for pk in pks if pk in groups)


@transaction.atomic
def move_group(
    *,
    meeting: Meeting,
    group_id: int,
    direction: str,
    version: int | None,
    user: Editor,
) -> SummaryDraft:
    """Move a group one place up or down among the groups of its kind in the summary."""
    if direction not in ("up", "down"):
        raise DomainError("direction", _("Välj om gruppen ska flyttas upp eller ner."))
    _ensure_version_sent(version)
    draft = _locked_draft(meeting)
    groups = {g.pk: g for g in meeting.groups.all()}
    group = groups.get(group_id)
    if group is None:
        raise NotFound("group_gone", _("Gruppen finns inte i det här mötet."))
    if version != draft.order_version:
        raise Conflict(
            "stale",
            _(
                "Någon annan har just ändrat gruppernas ordning — se den nya ordningen och försök igen."
            ),
        )
    order = order_of(meeting, draft)
    same_kind = [pk for pk in order if groups[pk].kind == group.kind]
    index = same_kind.index(group.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(same_kind):
        raise Conflict(
            "cannot_move",
            _("Gruppen står redan först.") if direction == "up" else _("Gruppen står redan sist."),
        )
    old_names = _group_names(same_kind, groups)
    same_kind[index], same_kind[target] = same_kind[target], same_kind[index]
    other = [pk for pk in order if groups[pk].kind != group.kind]
    draft.group_order = same_kind + other if group.kind == Group.Kind.HOME else other + same_kind
    draft.order_version += 1
    draft.save(update_fields=["group_order", "order_version", "updated_at"])
    _record(
        draft,
        kind=SummaryChange.Kind.ORDER,
        user=user,
        old=old_names,
        new=_group_names(same_kind, groups),
        subject=str(group.get_kind_display()),
    )
    return draft


def snapshot(meeting: Meeting, draft: SummaryDraft) -> dict[str, Any]:
    """The public view of the meeting's document, as publishing keeps it."""
    # In the meeting's language, whatever language the editor's browser uses.
    with translation.override(settings.LANGUAGE_CODE):
        return meeting_document(meeting, draft=draft).for_public()


def meeting_document(
    meeting: Meeting,
    *,
    draft: SummaryDraft | None = None,
    themes: Sequence[document.Theme] | None = None,
    with_reflection: bool = True,
) -> MeetingDocument:
    """The meeting's summary document, the one every reader takes a view of: the record, the
    editor's wording and order (the workspace's draft, if any) and the meeting's themes (the
    editor's if curated, else found afresh; `themes` to give others)."""
    if draft is None:
        draft = SummaryDraft.objects.filter(meeting=meeting).first()
    if themes is None:
        themes = export_themes(meeting, document.export_group_keys(meeting))
    return document.build_summary(
        meeting, themes=themes, draft=draft, with_reflection=with_reflection
    )


@transaction.atomic
def publish(*, meeting: Meeting, user: Editor) -> SummaryDraft:
    """Publish (or update the published copy of) the summary.

    While published, publishing again updates the page at the same address. After a revoke,
    publishing makes a new address: whoever had the old link keeps no access.
    """
    draft = _locked_draft(meeting)
    content = snapshot(meeting, draft)
    if not any(group["factors"] for group in content["home_groups"] + content["expert_groups"]):
        raise Conflict(
            "nothing_to_publish",
            _("Det finns inga framgångsfaktorer att publicera ännu."),
        )
    if draft.public_token is None:
        draft.public_token = secrets.token_urlsafe(32)
    draft.published_content = content
    draft.published_at = timezone.now()
    draft.published_by = _person(user)
    draft.save(
        update_fields=[
            "public_token",
            "published_content",
            "published_at",
            "published_by",
            "updated_at",
        ]
    )
    _record(draft, kind=SummaryChange.Kind.PUBLISH, user=user)
    return draft


@transaction.atomic
def revoke(*, meeting: Meeting, user: Editor) -> SummaryDraft:
    """Take the public page down: its address answers 404 from now on."""
    draft = _locked_draft(meeting)
    if draft.public_token is None:
        raise Conflict("not_published", _("Sammanfattningen är inte publicerad."))
    draft.public_token = None
    draft.published_content = None
    draft.published_at = None
    draft.published_by = None
    draft.save(
        update_fields=[
            "public_token",
            "published_content",
            "published_at",
            "published_by",
            "updated_at",
        ]
    )
    _record(draft, kind=SummaryChange.Kind.REVOKE, user=user)
    return draft


# --- Series over years: the indicator --------------------------------------------------


@transaction.atomic
def set_indicator(
    *, series: Series, name: str, lower_is_better: bool, source: str = ""
) -> SeriesIndicator:
    name = " ".join(clean_text(name).split())
    source = " ".join(clean_text(source).split())
    if not name:
        raise DomainError(
            "indicator_blank", _("Skriv vad serien mäter, t.ex. kommunens placering.")
        )
    if len(name) > 200 or len(source) > 200:
        raise DomainError("too_long", _("Indikatorns namn och källa får vara högst 200 tecken."))
    indicator, _created = SeriesIndicator.objects.update_or_create(
        series=series,
        defaults={"name": name, "lower_is_better": lower_is_better, "source": source},
    )
    return indicator


def parse_year(raw: str | int | None) -> int:
    try:
        year = int(str(raw).strip())
    except (TypeError, ValueError):
        year = 0
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(
            "year",
            _("Skriv året med fyra siffror, mellan %(min)d och %(max)d.")
            % {"min": MIN_YEAR, "max": MAX_YEAR},
        )
    return year


def parse_value(raw: str | None) -> Decimal:
    text = (raw or "").strip().replace("\u2212", "-").replace(",", ".")
    text = "".join(text.split())  # "1 234", with any kind of space
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) >= Decimal("1e10"):
        raise DomainError("value", _("Skriv värdet som ett tal, t.ex. 42 eller 3,5."))
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise DomainError("value", _("Skriv värdet med högst två decimaler."))
    return value


@transaction.atomic
def set_indicator_value(
    *,
    series: Series,
    year: str | int | None,
    value: str | None,
    user: Editor,
) -> IndicatorValue:
    indicator = SeriesIndicator.objects.filter(series=series).first()
    if indicator is None:
        raise Conflict(
            "no_indicator",
            _("Skriv först vad serien mäter — sedan kan du fylla i värden år för år."),
        )
    parsed_year = parse_year(year)
    parsed_value = parse_value(value)
    entry, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        year=parsed_year,
        defaults={
            "value": parsed_value,
            "updated_by": _person(user),
        },
    )
    return entry


@transaction.atomic
def remove_indicator_value(*, series: Series, year: int) -> None:
    deleted, _counts = IndicatorValue.objects.filter(indicator__series=series, year=year).delete()
    if not deleted:
        raise NotFound("value_gone", _("Det finns inget värde för %(year)d.") % {"year": year})


# --- Themes --------------------------------------------------------------------------------


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


def export_themes(meeting: Meeting, group_keys: Mapping[int, str]) -> list[document.Theme]:
    """The meeting's themes (the editor's if curated, else found afresh) for the exports,
    naming groups by the export's keys (group pk → "g3")."""
    # A theme curated before one of its groups was removed keeps the factors still there.
    return [
        document.Theme(
            label=theme.label,
            factors=tuple(
                document.ThemeFactor(group=group_keys[int(factor.group)], position=factor.position)
                for factor in theme.factors
                if int(factor.group) in group_keys
            ),
        )
        for theme in meeting_themes(meeting)
    ]


# --- Curation ----------------------------------------------------------------------------


def _lock(meeting: Meeting) -> Meeting:
    # One editor's curation at a time per meeting: merges read and write several rows.
    return lock(Meeting).get(pk=meeting.pk)


def _clean_label(label: str) -> str:
    label = " ".join(clean_text(label).split())
    if not label:
        raise DomainError("label_blank", _("Skriv ett namn på temat."))
    if len(label) > THEME_LABEL_MAX_LENGTH:
        raise DomainError(
            "label_too_long",
            _("Temats namn får vara högst %(max)d tecken.") % {"max": THEME_LABEL_MAX_LENGTH},
        )
    return label


def _themes_changed(meeting: Meeting) -> None:
    """A meeting with a themes phase shows its themes live: a new revision and the screens
    sent again (after commit). Other meetings' themes are the editor's alone."""
    if meeting.phases.filter(kind=PhaseKind.THEMES).exists():
        meeting_services.meeting_changed(meeting)


def _theme_gone() -> DomainError:
    return NotFound(
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
    _themes_changed(meeting)
    return row


@transaction.atomic
def dismiss_theme(*, meeting: Meeting, theme_key: str) -> CuratedTheme:
    meeting = _lock(meeting)
    row = _row_for(meeting, _shown(meeting, theme_key))
    row.dismissed = True
    row.save(update_fields=["dismissed", "updated_at"])
    _themes_changed(meeting)
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
    _themes_changed(meeting)
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
    _themes_changed(meeting)
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
        raise NotFound(
            "factor_gone",
            _("Framgångsfaktorn finns inte längre — ladda om sidan och försök igen."),
        )
    theme = CuratedTheme.objects.create(meeting=meeting, label=label)
    ThemeFactor.objects.update_or_create(factor_id=factor.pk, defaults={"theme": theme})
    _clear_stale_pins(meeting)
    _themes_changed(meeting)
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
    _themes_changed(meeting)
