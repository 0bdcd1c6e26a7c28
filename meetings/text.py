"""The one cleaning rule for every piece of text people send: forms, services, import.

Control characters (C0 and C1) are dropped — PostgreSQL refuses NUL, and the rest would leak
into screens and exports — except tab and line breaks in fields that allow several lines; in
one-line fields those become spaces. Lone surrogates (from JSON "\\ud800" escapes) cannot be
stored by any database and are dropped too. The text is normalised to NFC, so "å" typed on
different phones compares and sorts alike, and trimmed. SQLite and PostgreSQL then store the
same thing.
"""

from __future__ import annotations

import re
import unicodedata

# C0 without tab/LF/CR, DEL, C1, surrogates, and the noncharacters (U+FDD0-U+FDEF and the
# last two of every plane, U+FFFE and U+FFFF among them): no font draws them and some
# exporters (XML in DOCX, PDF) refuse them.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
    )
    + "]"
)
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")


def clean_text(raw: object, *, multiline: bool = False) -> str:
    text = "" if raw is None else str(raw)
    # Line breaks first: CR LF and the Unicode separators become one LF.
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", text)
    if not multiline:
        text = text.replace("\t", " ").replace("\n", " ")
    text = unicodedata.normalize("NFC", text)
    return text.strip()
