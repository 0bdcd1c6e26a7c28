"""The closing reflection: participants' words, the facilitator hiding one, and the cloud.

Words go to the room screen and the consoles only (one rendering per change, in
the screens via the phase registry's context hook); phones show just their own words.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings import services
from meetings.changes import Aspect
from meetings.errors import Conflict, DomainError, NotFound
from meetings.locks import lock
from meetings.models import Meeting, Participant
from meetings.phases import Action, ensure_allowed

from . import words
from .models import MAX_REFLECTION_WORDS, REFLECTION_WORD_MAX_LENGTH, HiddenWord, ReflectionWord

__all__ = ["MAX_REFLECTION_WORDS", "hide_word", "show_word", "submit_words", "words_context"]

# The room screen and the consoles' word list; the phones' phase panel does not change when
# a word arrives.
WORD_SCREENS = Aspect.WORDS
# Whitespace a phone may send inside a field (pasted text); any other control is refused.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def clean_word(raw: str) -> str:
    """One word or short phrase as it will be shown; "" for an empty field."""
    text = unicodedata.normalize("NFC", raw or "")
    if any(
        unicodedata.category(character) in ("Cc", "Cf", "Cs", "Co", "Cn")
        and character not in _ALLOWED_CONTROLS
        for character in text
    ):
        raise DomainError(
            "control_characters",
            _("Ordet innehåller osynliga styrtecken — skriv det med vanliga bokstäver."),
        )
    text = " ".join(text.split())
    if not text:
        return ""
    if len(text) > REFLECTION_WORD_MAX_LENGTH:
        raise DomainError(
            "word_too_long",
            _("Ett ord eller en fras får vara högst %(max)d tecken — du skrev %(length)d.")
            % {"max": REFLECTION_WORD_MAX_LENGTH, "length": len(text)},
        )
    if not words.fold(text):
        raise DomainError("word_no_letters", _("Skriv ett ord med bokstäver eller siffror."))
    return words.clean(text) or text


@transaction.atomic
def submit_words(
    *,
    meeting: Meeting,
    participant: Participant,
    entries: Sequence[str],
    client_token: uuid.UUID | None = None,
) -> list[ReflectionWord]:
    """Up to MAX_REFLECTION_WORDS per participant in all. A form sent twice (a double tap)
    returns the words its first sending made."""
    cleaned = [text for text in (clean_word(raw) for raw in entries) if text]
    if not cleaned:
        raise DomainError("words_blank", _("Skriv minst ett ord innan du skickar."))
    meeting = Meeting.objects.select_related("current_phase").get(pk=meeting.pk)
    ensure_allowed(meeting, Action.WRITE_WORD)
    # One participant's sendings queue on their row, so the limit holds for two taps at once.
    lock(Participant).filter(pk=participant.pk).first()
    if client_token is not None:
        earlier = list(meeting.reflection_words.filter(client_token=client_token))
        if earlier:
            return earlier
    given = meeting.reflection_words.filter(participant=participant).count()
    left = MAX_REFLECTION_WORDS - given
    if len(cleaned) > left:
        if left <= 0:
            message = _("Du har redan skickat dina %(max)d ord.") % {"max": MAX_REFLECTION_WORDS}
        else:
            message = ngettext(
                "Du kan skicka %(left)d ord till.", "Du kan skicka %(left)d ord till.", left
            ) % {"left": left}
        raise Conflict("too_many_words", message)
    token = client_token or uuid.uuid4()
    created = [
        ReflectionWord.objects.create(
            meeting=meeting,
            participant=participant,
            text=text,
            key=words.fold(text),
            client_token=token,
            slot=slot,
        )
        for slot, text in enumerate(cleaned)
    ]
    services.meeting_changed(meeting, WORD_SCREENS)
    return created


@transaction.atomic
def hide_word(*, meeting: Meeting, key: str, hidden_by: Any) -> HiddenWord:
    """Take a word (every entry folding to `key`, now and later) off the screens."""
    entry = meeting.reflection_words.filter(key=key).order_by("pk").first()
    if entry is None:
        raise NotFound("word_gone", _("Ordet finns inte i ordmolnet — ladda om sidan."))
    # Two facilitators hiding at once queue on the meeting row.
    lock(Meeting).filter(pk=meeting.pk).first()
    hidden, created = HiddenWord.objects.get_or_create(
        meeting=meeting,
        key=key,
        defaults={
            "text": _shown_text(meeting, key) or entry.text,
            "hidden_by": hidden_by if getattr(hidden_by, "pk", None) else None,
            "hidden_by_name": getattr(hidden_by, "get_username", lambda: "")(),
        },
    )
    if created:
        services.meeting_changed(meeting, WORD_SCREENS)
    return hidden


@transaction.atomic
def show_word(*, meeting: Meeting, key: str) -> None:
    """Undo a hide (the facilitator's own mistake); the word is back on the screens."""
    # Two facilitators hiding at once queue on the meeting row.
    lock(Meeting).filter(pk=meeting.pk).first()
    deleted, _kinds = HiddenWord.objects.filter(meeting=meeting, key=key).delete()
    if not deleted:
        raise NotFound("word_gone", _("Ordet är inte dolt — ladda om sidan."))
    services.meeting_changed(meeting, WORD_SCREENS)


def _shown_text(meeting: Meeting, key: str) -> str:
    texts = meeting.reflection_words.filter(key=key).values_list("text", flat=True)
    ranked = words.rank(texts)
    return ranked[0].text if ranked else ""


def visible_texts(meeting: Meeting) -> list[str]:
    hidden = HiddenWord.objects.filter(meeting=meeting).values_list("key", flat=True)
    return list(
        meeting.reflection_words.exclude(key__in=hidden)
        .order_by("pk")
        .values_list("text", flat=True)
    )


def words_context(meeting: Meeting) -> dict[str, Any]:
    """The cloud and the ranked list, for the room screen and the console (the registry's
    context hook): computed once per rendering, never per phone."""
    ranked = words.rank(visible_texts(meeting))
    return {
        "reflection": {
            # A bounded list whatever is sent (the cloud shows fewer still).
            "ranked": ranked[: settings.WORDS_LISTED],
            "cloud": words.cloud_layout(ranked),
            "hidden": list(HiddenWord.objects.filter(meeting=meeting)),
        }
    }


def phone_context(meeting: Meeting, participant: Participant, **form: Any) -> dict[str, Any]:
    """The participant's own part of the reflection (their words and the form)."""
    mine = list(meeting.reflection_words.filter(participant=participant).order_by("pk"))
    left = max(0, MAX_REFLECTION_WORDS - len(mine))
    typed = list(form.pop("typed", []))[:left]
    return {
        "my_words": mine,
        "words_left": left,
        "word_fields": typed + [""] * (left - len(typed)),
        "words_token": form.pop("token", None) or uuid.uuid4(),
        "max_length": REFLECTION_WORD_MAX_LENGTH,
        **form,
    }
