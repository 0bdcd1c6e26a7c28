from __future__ import annotations

import uuid

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
