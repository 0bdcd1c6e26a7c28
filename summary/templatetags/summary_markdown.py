"""`md_escape`: participants' text as plain text inside the Markdown summary."""

from __future__ import annotations

import re
from typing import Any

from django import template

register = template.Library()

# Characters that can start emphasis, code, links, images, raw HTML, autolinks, entities,
# headings, block quotes, tables or strikethrough anywhere in a line. CommonMark renders a
# backslash before any ASCII punctuation as that character, so the article shows the text.
_SIGNIFICANT = re.compile(r"([\\`*_\[\]<>#|!&~])")
# A list marker at the start of the text: "1." / "1)" (ordered) or "-" / "+" (bullet; "*"
# is already escaped above). Inside words, hyphens and numbers stay as they are.
_ORDERED_MARKER = re.compile(r"^(\d{1,9})([.)])")
_BULLET_MARKER = re.compile(r"^([-+])")


def markdown_escape(value: Any) -> str:
    """One line of literal text: line breaks become spaces, Markdown syntax is escaped."""
    # splitlines() knows every line break (\r\n, \r, \v, \f, \x85, \u2028 …); leading
    # spaces would make an indented code block, trailing ones a hard line break.
    text = " ".join(part.strip() for part in str(value).splitlines() if part.strip())
    text = _SIGNIFICANT.sub(r"\\\1", text)
    text = _ORDERED_MARKER.sub(r"\1\\\2", text)
    return _BULLET_MARKER.sub(r"\\\1", text)


@register.filter(name="md_escape")
def md_escape(value: Any) -> str:
    return markdown_escape(value)
