"""Soft hyphens in long Swedish words on the room screen (meetings/templatetags/room_text.py)."""

from __future__ import annotations

from typing import Any

from django.template import Context, Template

from meetings.templatetags.room_text import SOFT_HYPHEN, hyphenate_text, hyphenate_word

from .factor_texts import meeting_factors


def shown(text: str) -> str:
    """How a line broken at every soft hyphen would read."""
    return text.replace(SOFT_HYPHEN, "-")


def test_long_compounds_get_syllable_breaks() -> None:
    assert shown(hyphenate_word("Förskoleklassverksamheten")) == "För-sko-le-klass-verk-sam-he-ten"
    assert shown(hyphenate_word("kompetensutvecklingsinsatser")) == (
        "kom-pe-tens-ut-veck-lings-in-sat-ser"
    )
    assert shown(hyphenate_word("elevhälsoarbetet")) == "elev-häl-so-ar-be-tet"


def test_no_part_of_a_single_letter() -> None:
    # The Swedish patterns give "sko-l-ut" and "moders-mål-s-un"; the letter joins the part before.
    assert shown(hyphenate_word("skolutvecklingsprogrammet")) == "skol-ut-veck-lings-pro-gram-met"
    assert shown(hyphenate_word("Modersmålsundervisningen")).startswith("Moders-måls-un-der")
    for group in meeting_factors(1) + meeting_factors(2):
        for text in group.texts:
            for word in text.split():
                parts = hyphenate_word(word).split(SOFT_HYPHEN)
                assert len(parts) == 1 or all(len(part) >= 2 for part in parts), parts
                assert len(parts) == 1 or (len(parts[0]) >= 3 and len(parts[-1]) >= 3), parts


def test_short_words_and_the_text_itself_stay_as_written() -> None:
    text = "Tid för kollegialt lärande varje vecka, 2 gånger i månaden (F-klass)"
    assert hyphenate_text(text) == text
    long = "Likabehandlingsarbetet i förskoleklassverksamheten – årskurs 1–3!"
    assert hyphenate_text(long).replace(SOFT_HYPHEN, "") == long
    assert hyphenate_text(long).count(SOFT_HYPHEN) > 4


def render(value: Any) -> str:
    return Template("{% load room_text %}{{ value|hyphenate }}").render(Context({"value": value}))


def test_filter_escapes_like_plain_output() -> None:
    html = render('<script>alert("Förskoleklassverksamheten")</script> & mer')
    assert "<script>" not in html
    assert html.startswith("&lt;script&gt;alert(&quot;För\u00adsko")
    assert html.endswith("&lt;/script&gt; &amp; mer")
    assert render(42) == "42"
