"""Multi-model writes for editors: each one function, atomic, raising DomainError.

Every write to a meeting's summary locks its SummaryDraft row first, so two editors saving
at once queue up; each text carries a version, and a save based on an older version than
the stored one is refused (409) with the other editor's text kept and shown.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groups.models import SuccessFactor
from groups.services import clean_factor_text
from meetings.errors import DomainError
from meetings.models import Group, Meeting, Series

from .content import order_of, public_content
from .models import (
    MAX_YEAR,
    MIN_YEAR,
    FactorEdit,
    IndicatorValue,
    SeriesIndicator,
    SummaryChange,
    SummaryDraft,
)

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
    return SummaryDraft.objects.select_for_update().select_related("meeting").get(meeting=meeting)


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


class EditConflict(DomainError):
    """Someone saved the same text since this editor loaded it; carries what is stored now."""

    def __init__(self, message: str, *, text: str, version: int, user: str) -> None:
        super().__init__("stale", message, status=409)
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
    lines = [line.rstrip() for line in (raw or "").replace("\r\n", "\n").split("\n")]
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
        raise DomainError("field", _("Det finns ingen sådan text i sammanfattningen."), status=404)
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
        raise DomainError(
            "factor_gone",
            _("Framgångsfaktorn finns inte längre — gruppen har tagit bort den. Ladda om sidan."),
            status=404,
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
        raise DomainError("group_gone", _("Gruppen finns inte i det här mötet."), status=404)
    if version != draft.order_version:
        raise DomainError(
            "stale",
            _(
                "Någon annan har just ändrat gruppernas ordning — se den nya ordningen och försök igen."
            ),
            status=409,
        )
    order = order_of(meeting, draft)
    same_kind = [pk for pk in order if groups[pk].kind == group.kind]
    index = same_kind.index(group.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(same_kind):
        raise DomainError(
            "cannot_move",
            _("Gruppen står redan först.") if direction == "up" else _("Gruppen står redan sist."),
            status=409,
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
    # In the meeting's language, whatever language the editor's browser uses.
    with translation.override(settings.LANGUAGE_CODE):
        return public_content(meeting, draft)


@transaction.atomic
def publish(*, meeting: Meeting, user: Editor) -> SummaryDraft:
    """Publish (or update the published copy of) the summary.

    While published, publishing again updates the page at the same address. After a revoke,
    publishing makes a new address: whoever had the old link keeps no access.
    """
    draft = _locked_draft(meeting)
    content = snapshot(meeting, draft)
    if not any(group["factors"] for group in content["home_groups"] + content["expert_groups"]):
        raise DomainError(
            "nothing_to_publish",
            _("Det finns inga framgångsfaktorer att publicera ännu."),
            status=409,
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
        raise DomainError("not_published", _("Sammanfattningen är inte publicerad."), status=409)
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
    name = " ".join((name or "").split())
    source = " ".join((source or "").split())
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
        raise DomainError(
            "no_indicator",
            _("Skriv först vad serien mäter — sedan kan du fylla i värden år för år."),
            status=409,
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
        raise DomainError(
            "value_gone", _("Det finns inget värde för %(year)d.") % {"year": year}, status=404
        )
