"""Text for the room screen: soft hyphens in long Swedish words.

A projector column is narrow, and Swedish compounds are long ("Förskoleklassverksamheten").
Browsers hyphenate `lang="sv"` text under `hyphens: auto` only when they carry a Swedish
dictionary, and Chromium on Linux (Debian's build, which the tests and many projector PCs run)
carries none: it would break such a word mid-syllable with no hyphen, or not at all. So the
hyphenation points go into the text here, with LibreOffice's Swedish patterns (pyphen), as
soft hyphens: invisible unless the line breaks there, and then shown as "-".
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pyphen
from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

register = template.Library()

SOFT_HYPHEN = "\u00ad"
# Shorter words wrap whole: every hyphen is one more thing to read from 15 m away.
MIN_WORD_LENGTH = 11
# At least three letters stay on each side of a break ("För-", "-ten").
MIN_PART = 3

_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _swedish() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="sv", left=MIN_PART, right=MIN_PART)


@lru_cache(maxsize=8192)
def hyphenate_word(word: str) -> str:
    """`word` with a soft hyphen at each of its hyphenation points."""
    if len(word) < MIN_WORD_LENGTH:
        return word
    points: list[int] = []
    for position in _swedish().positions(word):
        # The patterns sometimes leave a single letter between two points ("sko-l-ut",
        # "moders-mål-s-un"); that letter ends the part before it ("skol-ut", "måls-un").
        if points and int(position) - points[-1] < 2:
            points[-1] = int(position)
        else:
            points.append(int(position))
    parts = [word[start:end] for start, end in zip([0, *points], [*points, len(word)], strict=True)]
    return SOFT_HYPHEN.join(parts)


# A whole text too: every change of a group re-renders its column, whose other factors are
# the same texts as before.
@lru_cache(maxsize=4096)
def hyphenate_text(text: str) -> str:
    return _WORD.sub(lambda match: hyphenate_word(match.group()), text)


@register.filter(needs_autoescape=True)
def hyphenate(value: Any, autoescape: bool = True) -> SafeString | str:
    """Plain text with soft hyphens in its long words, escaped as `{{ value }}` would be.

    Markup (safe strings) passes unchanged: a long attribute name must not be split.
    """
    if isinstance(value, SafeData):
        return value  # type: ignore[return-value]
    text = hyphenate_text(str(value))
    return mark_safe(conditional_escape(text)) if autoescape else text


# A typical factor's length in words (about 40 characters): the room reserves this much for
# each factor a list does not have yet, so its fitted type size holds as the list fills up.
SLOT_TEXT = "xxxxxxx xxx xxx xxxxx xxx xx xxxxxx xxxxx"


@register.filter
def room_slots(factors: Any, limit: int) -> list[str]:
    """Invisible stand-ins for the factors still to come (up to the meeting's count)."""
    return [SLOT_TEXT] * max(0, int(limit) - len(factors))
