from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from meetings.models import MAX_FACTOR_COUNT, Group, Meeting, Participant

FACTOR_MAX_LENGTH = 200


class SuccessFactor(models.Model):
    """One of a group's (usually five) success factors, at a numbered position."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="factors")
    position = models.PositiveSmallIntegerField(_("plats i listan"))
    text = models.CharField(_("framgångsfaktor"), max_length=FACTOR_MAX_LENGTH)
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="factors"
    )
    # The id of the form that created it: a double-submitted form finds its factor again.
    client_token = models.UUIDField(default=uuid.uuid4, editable=False)
    # The pool's ideas this factor was picked from (the idea and those merged into it).
    source_ideas: models.ManyToManyField[Idea, Any] = models.ManyToManyField(
        "Idea", blank=True, related_name="factors", verbose_name=_("från idéerna")
    )
    # Bumped on every change so a phone editing an old copy is told instead of overwriting.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("framgångsfaktor")
        verbose_name_plural = _("framgångsfaktorer")
        ordering = ["group_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["group", "position"], name="factor_unique_position"),
            models.UniqueConstraint(fields=["group", "client_token"], name="factor_unique_token"),
            # The upper bound per meeting (factor_count) lives in another table, so the
            # database holds the hard maximum and services.py holds the meeting's own.
            # 0 is where a factor waits while two swap places (groups.services), inside
            # one transaction; lists count from 1.
            models.CheckConstraint(
                condition=Q(position__gte=0) & Q(position__lte=MAX_FACTOR_COUNT),
                name="factor_position_range",
            ),
            models.CheckConstraint(
                condition=~Q(text__regex=r"^\s*$"), name="factor_text_not_blank"
            ),
            # SQLite does not enforce varchar lengths.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), FACTOR_MAX_LENGTH),
                name="factor_text_max_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


REFLECTION_WORD_MAX_LENGTH = 40
# How many words or short phrases one participant can give in the reflection.
MAX_REFLECTION_WORDS = 3


class ReflectionWord(models.Model):
    """One word or short phrase a participant gave in the closing reflection, as typed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reflection_words")
    participant = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reflection_words",
    )
    text = models.CharField(_("ord"), max_length=REFLECTION_WORD_MAX_LENGTH)
    # groups.words.fold(text): inflected and differently cased forms share it.
    key = models.CharField(max_length=200, db_index=True)
    # The form that sent it and its field: a double tap finds the words it already made.
    client_token = models.UUIDField(editable=False)
    slot = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reflektionsord")
        verbose_name_plural = _("reflektionsord")
        ordering = ["meeting_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "client_token", "slot"], name="reflection_word_unique_token"
            ),
            models.CheckConstraint(
                condition=~Q(text__regex=r"^\s*$"), name="reflection_word_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class HiddenWord(models.Model):
    """A word (every entry that folds to `key`) the facilitator took off the screens. The
    entries themselves stay in the record; so does who hid the word and when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="hidden_words")
    key = models.CharField(max_length=200)
    text = models.CharField(_("ord"), max_length=REFLECTION_WORD_MAX_LENGTH)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too: the record says who even if the account is removed later.
    hidden_by_name = models.CharField(max_length=150, blank=True)
    hidden_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dolt ord")
        verbose_name_plural = _("dolda ord")
        ordering = ["meeting_id", "hidden_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "key"], name="hidden_word_unique_key"),
        ]

    def __str__(self) -> str:
        return self.text


# --- The idea pool (buzz groups) and dots (agree on five) ------------------------------------

IDEA_MAX_LENGTH = FACTOR_MAX_LENGTH
MAX_DOTS_PER_MEMBER = 10


class PoolSettings(models.Model):
    """How a meeting's groups work with their idea pools, set by the facilitator.

    Kept here, keyed by the meeting, rather than on Meeting: the pool is this app's activity.
    A meeting without a row has the defaults (see `for_meeting`).
    """

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="pool_settings"
    )
    dots_per_member = models.PositiveSmallIntegerField(_("prickar per deltagare"), default=3)
    several_dots_per_idea = models.BooleanField(_("flera prickar på samma idé"), default=False)
    private_until_revealed = models.BooleanField(
        _("idéerna är dolda tills gruppen visar dem"), default=False
    )

    class Meta:
        verbose_name = _("inställningar för idéer")
        verbose_name_plural = _("inställningar för idéer")
        constraints = [
            models.CheckConstraint(
                condition=Q(dots_per_member__gte=1) & Q(dots_per_member__lte=MAX_DOTS_PER_MEMBER),
                name="pool_dots_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.meeting)

    @classmethod
    def for_meeting(cls, meeting_id: int) -> PoolSettings:
        """The saved settings, or the defaults (unsaved) when the facilitator never set any."""
        found = cls.objects.filter(meeting_id=meeting_id).first()
        return found if found is not None else cls(meeting_id=meeting_id)


class IdeaPool(models.Model):
    """A group's pool as a whole: whether it has been revealed (in private mode)."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="idea_pool")
    revealed_at = models.DateTimeField(_("visades"), null=True, blank=True)
    # Who revealed it: a member (participant) or, when empty, the facilitator.
    revealed_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revealed_by_facilitator = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("idépool")
        verbose_name_plural = _("idépooler")

    def __str__(self) -> str:
        return str(self.group)


class Idea(models.Model):
    """A raw idea in a home group's pool. Withdrawn and merged ideas stay as the record."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    text = models.CharField(_("idé"), max_length=IDEA_MAX_LENGTH)
    # The id of the form that created it: a double tap makes one idea.
    client_token = models.UUIDField(default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(_("återtagen"), null=True, blank=True)
    # Merged into another idea: this row keeps its own text for the record; its dots moved.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("idé")
        verbose_name_plural = _("idéer")
        ordering = ["group_id", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "client_token"], name="idea_unique_token"),
            models.CheckConstraint(condition=~Q(text__regex=r"^\s*$"), name="idea_text_not_blank"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), IDEA_MAX_LENGTH),
                name="idea_text_max_length",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="idea_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None and self.merged_into_id is None


class Dot(models.Model):
    """A member's dots on one idea (one row per member and idea; `count` > 1 only when the
    meeting allows several dots on the same idea). Who dotted what is kept only so members
    can move their own dots; screens show counts."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="dots")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="dots")
    count = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("prick")
        verbose_name_plural = _("prickar")
        constraints = [
            models.UniqueConstraint(fields=["idea", "participant"], name="dot_unique_member"),
            models.CheckConstraint(
                condition=Q(count__gte=1) & Q(count__lte=MAX_DOTS_PER_MEMBER),
                name="dot_count_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea} ×{self.count}"
