"""The JSON archive's shape: the JSON Schema document (summary/schema/meeting-export.schema.json),
its version rules, and Swedish messages that name the field and where it is."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
from django.utils.translation import gettext as _

from meetings.errors import DomainError

if TYPE_CHECKING:
    pass


SCHEMA_NAME = "topp25.meeting"
SCHEMA_VERSION = 4
READABLE_VERSIONS = (1, 2, 3, 4)
VERSION_2_FIELDS = ("agenda", "themes")
VERSION_3_FIELDS = ("pool_settings", "reflection", "experts_published_at")
VERSION_4_FIELDS = ("editor",)
# Fields (at any level) a file of an earlier version may not have, and the version that added them.
_LATER_FIELDS = {
    **dict.fromkeys(VERSION_2_FIELDS, 2),
    **dict.fromkeys(VERSION_3_FIELDS, 3),
    **dict.fromkeys(("ideas", "pool", "source_ideas", "left_at"), 3),
    **dict.fromkeys(VERSION_4_FIELDS, 4),
}
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "meeting-export.schema.json"


# Fields that hold a date and time with a UTC offset, or null.
_TIMESTAMP_FIELDS = frozenset(
    {
        "started_at",
        "ended_at",
        "created_at",
        "withdrawn_at",
        "merged_at",
        "revealed_at",
        "left_at",
        "experts_published_at",
        "hidden_at",
    }
)


class ImportRejected(DomainError):
    pass


def _fail(message: str) -> ImportRejected:
    return ImportRejected("invalid_import", message)


# --- The schema, with a strict idea of an integer ------------------------------------------


def _strict_integer(checker: Any, instance: Any) -> bool:
    # JSON Schema counts 5.0 as an integer and Python counts True as one; a file that says
    # 5.0 or true where a count belongs was not written by topp25, so both are refused.
    return isinstance(instance, int) and not isinstance(instance, bool)


_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
)


@cache
def export_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


@cache
def _validator() -> Any:
    schema = export_schema()
    _Validator.check_schema(schema)
    return _Validator(schema)


def _control_pattern() -> str:
    return str(export_schema()["$defs"]["text"]["pattern"])


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int):
        return _("ett heltal")
    if isinstance(value, float):
        return _("ett decimaltal")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("en lista")
    return _("ett objekt")


def _expected(types: str | list[str]) -> str:
    names = {
        "string": _("text"),
        "integer": _("ett heltal"),
        "boolean": _("true eller false"),
        "array": _("en lista ([ … ])"),
        "object": _("ett objekt ({ … })"),
    }
    kinds = [types] if isinstance(types, str) else list(types)
    expected = " / ".join(names[kind] for kind in kinds if kind != "null")
    if "null" in kinds:
        expected = _("%(kind)s eller null") % {"kind": expected}
    return expected


# The order fields are written in, to report the first problem in reading order.
_FIELD_ORDER = {
    name: rank
    for rank, name in enumerate(
        [
            "schema",
            "version",
            "meeting",
            "title",
            "date",
            "venue",
            "core_question",
            "factor_count",
            "series",
            "agenda",
            "groups",
            "key",
            "position",
            "kind",
            "name",
            "profession",
            "agreed",
            "factors",
            "text",
            "author",
            "planned_minutes",
            "speaker",
            "note",
            "started_at",
            "ended_at",
            "source_ideas",
            "pool",
            "revealed_at",
            "revealed_by",
            "revealed_by_facilitator",
            "ideas",
            "created_at",
            "withdrawn_at",
            "merged_into",
            "merged_at",
            "merged_by",
            "votes",
            "dots",
            "participant",
            "count",
            "participants",
            "home_group",
            "expert_group",
            "left_at",
            "themes",
            "label",
            "group",
            "experts_published_at",
            "pool_settings",
            "dots_per_member",
            "several_dots_per_idea",
            "private_until_revealed",
            "reflection",
            "words",
            "hidden",
            "hidden_at",
            "hidden_by_name",
        ]
    )
}
_KEYWORD_ORDER = {"additionalProperties": 0, "required": 1, "type": 2}


def _error_order(error: jsonschema.ValidationError) -> tuple[Any, ...]:
    path = tuple(
        (0, step) if isinstance(step, int) else (1, _FIELD_ORDER.get(step, 99))
        for step in error.absolute_path
    )
    return (path, _KEYWORD_ORDER.get(str(error.validator), 3))


def _where(data: Any, path: Sequence[str | int]) -> str:
    """Where in the file, as the docs and earlier messages say it: "groups[2]", "meeting",
    "gruppen groups[1] ”Lärare”, framgångsfaktor 3", "themes[1].factors[2]"."""
    if not path:
        return _("filen")
    words: list[str] = []
    for step in path:
        if isinstance(step, int):
            words[-1] = f"{words[-1]}[{step + 1}]"
        else:
            words.append(step)
    if len(path) == 4 and path[0] == "groups" and path[2] == "factors":
        group = data["groups"][path[1]]
        name = group.get("name") if isinstance(group, dict) else None
        label = f"groups[{int(path[1]) + 1}]" + (f" ”{name}”" if isinstance(name, str) else "")
        return _("gruppen %(group)s, framgångsfaktor %(position)d") % {
            "group": label,
            "position": int(path[3]) + 1,
        }
    return ".".join(words)


def _schema_message(data: Any, error: jsonschema.ValidationError) -> str:
    path = list(error.absolute_path)
    value = error.instance
    keyword = error.validator
    if keyword is None:  # a `false` schema: a field of a later version than the file's
        # jsonschema reports it at the object that holds the field, without the field's name.
        holder: Any = data
        for step in path:
            holder = holder[step]
        later = [key for key in holder if key in _LATER_FIELDS] if isinstance(holder, dict) else []
        if later:
            return _(
                "Okänt fält ”%(key)s” i %(where)s (det finns först i version %(version)d)."
            ) % {
                "key": later[0],
                "where": _where(data, path),
                "version": _LATER_FIELDS[later[0]],
            }
        return _("Ett fält i %(where)s är inte tillåtet i den här versionen av filen.") % {
            "where": _where(data, path)
        }
    if keyword == "additionalProperties":
        known = error.schema.get("properties", {})
        key = next(key for key in value if key not in known)
        return _("Okänt fält ”%(key)s” i %(where)s.") % {"key": key, "where": _where(data, path)}
    if keyword == "required":
        key = next(key for key in error.validator_value if key not in value)
        return _("Fältet ”%(key)s” saknas i %(where)s.") % {"key": key, "where": _where(data, path)}
    if keyword == "type" and (error.validator_value == "object" or not path):
        return _("Fel typ i %(where)s: det ska vara ett objekt ({ … }), inte %(found)s.") % {
            "where": _where(data, path),
            "found": _json_type(value),
        }
    key, where = str(path[-1]), _where(data, path[:-1])
    field = {"key": key, "where": where}
    if keyword == "type":
        return _("Fältet ”%(key)s” i %(where)s ska vara %(expected)s, inte %(found)s.") % {
            **field,
            "expected": _expected(error.validator_value),
            "found": _json_type(value),
        }
    if keyword == "pattern":
        if error.validator_value == _control_pattern():
            return (
                _("Fältet ”%(key)s” i %(where)s innehåller otillåtna tecken (styrtecken).") % field
            )
        if key == "date":
            return _("Datumet ”%(date)s” i %(where)s ska vara ett datum som ÅÅÅÅ-MM-DD.") % {
                "date": value,
                "where": where,
            }
        if key in _TIMESTAMP_FIELDS:
            return (
                _(
                    "Fältet ”%(key)s” i %(where)s ska vara en tidpunkt som 2026-11-23T13:05:00+01:00 eller null."
                )
                % field
            )
        return _("Fältet ”%(key)s” i %(where)s är tomt.") % field
    if keyword == "maxLength":
        return _("Fältet ”%(key)s” i %(where)s är längre än %(max)d tecken.") % {
            **field,
            "max": error.validator_value,
        }
    if keyword == "maxItems":
        return _("%(where)s har fler än %(count)d framgångsfaktorer.") % {
            "where": where,
            "count": error.validator_value,
        }
    if keyword in ("minimum", "maximum"):
        low = error.schema.get("minimum")
        high = error.schema.get("maximum")
        if low is not None and high is not None:
            return _("%(key)s i %(where)s ska vara mellan %(low)d och %(high)d.") % {
                **field,
                "low": low,
                "high": high,
            }
        return _("%(key)s i %(where)s ska vara minst %(low)d.") % {**field, "low": low}
    if keyword == "enum" and key == "profession":
        if value == "":
            return _("%(where)s: profession är tom; skriv null för en grupp utan yrkesgrupp.") % {
                "where": where
            }
        return _("%(where)s: okänd yrkesgrupp ”%(p)s”.") % {"where": where, "p": value}
    if keyword == "enum" and key == "kind":
        return _("%(where)s: okänd sort ”%(kind)s”.") % {"where": where, "kind": value}
    return _("Fältet ”%(key)s” i %(where)s har ett värde som inte är tillåtet: %(value)s.") % {
        **field,
        "value": json.dumps(value, ensure_ascii=False),
    }


def _check_header(data: Any) -> None:
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_NAME:
        raise _fail(
            _("Filen är ingen topp25-export (schema ”%(name)s” saknas).") % {"name": SCHEMA_NAME}
        )
    version = data.get("version")
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or version not in READABLE_VERSIONS
    ):
        raise _fail(
            _(
                "Filen har schemaversion %(found)s; den här versionen av topp25 läser version 1, 2, 3 och 4."
            )
            % {"found": json.dumps(version, ensure_ascii=False)}
        )
    if version == 1:
        # The schema says the same (if version 1 then no agenda/themes), but jsonschema's
        # error for it does not name the field.
        for key in VERSION_2_FIELDS:
            if key in data:
                raise _fail(
                    _("Okänt fält ”%(key)s” i %(where)s (det finns först i version 2).")
                    % {"key": key, "where": _("filen")}
                )
    if version < 3:
        for key in VERSION_3_FIELDS:
            if key in data:
                raise _fail(
                    _("Okänt fält ”%(key)s” i %(where)s (det finns först i version 3).")
                    % {"key": key, "where": _("filen")}
                )
    if version < 4:
        for key in VERSION_4_FIELDS:
            if key in data:
                raise _fail(
                    _("Okänt fält ”%(key)s” i %(where)s (det finns först i version 4).")
                    % {"key": key, "where": _("filen")}
                )


def _check_schema(data: Any) -> None:
    errors = sorted(_validator().iter_errors(data), key=_error_order)
    if errors:
        raise _fail(_schema_message(data, errors[0]))
