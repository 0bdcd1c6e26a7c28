"""The editor's exports: Markdown for the article, JSON that round-trips."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from groups import services as group_services
from meetings import services
from meetings.models import Group, Meeting, Participant, Series
from summary.archive import SCHEMA_PATH, meeting_data, meeting_json
from summary.outputs import meeting_markdown
from summary.templatetags.summary_markdown import markdown_escape


@pytest.fixture
def full_meeting(meeting: Meeting, teachers: Group, principals: Group) -> Meeting:
    anna = services.join_meeting(meeting=meeting, home_group_id=teachers.pk, display_name="Anna")
    services.join_meeting(meeting=meeting, home_group_id=principals.pk, display_name="Rektor Rolf")
    for text in ["Tid för kollegialt lärande", "Tydliga mål", "Tidiga insatser"]:
        group_services.add_factor(group=teachers, text=text, author=anna)
    group_services.add_factor(group=principals, text="Nära pedagogiskt ledarskap")
    group_services.mark_agreed(group=principals, confirmed_short=True)
    return meeting


def test_markdown_summary(full_meeting: Meeting) -> None:
    out = StringIO()
    call_command("export_meeting", full_meeting.join_code, "--format", "md", stdout=out)
    text = out.getvalue()
    assert text.startswith("# Dialogmöte 1\n\n23 november 2026 · Stadshuset\n")
    assert "**Grundfråga:** Vad höjer elevernas resultat?" in text
    assert "**Deltagare:** 2 (Lärare 1, Förskollärare 0, Rektorer 1," in text
    assert (
        "## Lärare\n\n_Inte klar · 3 av 5_\n\n"
        "1. Tid för kollegialt lärande\n2. Tydliga mål\n3. Tidiga insatser\n"
    ) in text
    assert "## Rektorer\n\n_Klar · 1 av 5_\n\n1. Nära pedagogiskt ledarskap\n" in text
    assert text.index("## Lärare") < text.index("## Rektorer") < text.index("## Politiker")


def test_json_has_no_personal_data(full_meeting: Meeting) -> None:
    data = meeting_data(full_meeting)
    assert data["schema"] == "topp25.meeting" and data["version"] == 4
    assert "Anna" not in json.dumps(data) and "Rolf" not in json.dumps(data)
    teachers = next(g for g in data["groups"] if g["name"] == "Lärare")
    assert [f["text"] for f in teachers["factors"]] == [
        "Tid för kollegialt lärande",
        "Tydliga mål",
        "Tidiga insatser",
    ]
    assert teachers["factors"][0]["author"] == "p1"
    assert data["participants"][0] == {
        "key": "p1",
        "home_group": teachers["key"],
        "expert_group": None,
        "left_at": None,
    }


def test_json_round_trip(full_meeting: Meeting, tmp_path: Path) -> None:
    out = StringIO()
    call_command("export_meeting", full_meeting.join_code, "--format", "json", stdout=out)
    exported = out.getvalue()
    path = tmp_path / "meeting.json"
    path.write_text(exported, encoding="utf-8")

    call_command("import_meeting", str(path), stdout=StringIO())
    imported = Meeting.objects.exclude(pk=full_meeting.pk).get()
    assert imported.join_code != full_meeting.join_code
    assert meeting_json(imported) == exported


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(version=5), "schemaversion 5"),
        (lambda d: d.pop("meeting"), "meeting"),
        (
            lambda d: d["groups"][0]["factors"].append(
                {"position": 4, "text": "  ", "author": None, "source_ideas": []}
            ),
            "tomt",
        ),
        (
            lambda d: d["groups"][0]["factors"].extend(
                [
                    {"position": n, "text": "x", "author": None, "source_ideas": []}
                    for n in range(4, 7)
                ]
            ),
            "fler än 5",
        ),
        (lambda d: d["participants"][0].update(home_group="g99"), "hemgrupp"),
    ],
)
def test_bad_import_changes_nothing(
    full_meeting: Meeting, tmp_path: Path, mutate, message: str
) -> None:
    data = meeting_data(full_meeting)
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = Meeting.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("import_meeting", str(path), stdout=StringIO())
    assert Meeting.objects.count() == before


def test_import_of_non_json(tmp_path: Path, db: None) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{inte json", encoding="utf-8")
    with pytest.raises(CommandError, match="inte giltig JSON"):
        call_command("import_meeting", str(path))


def test_export_unknown_code(db: None) -> None:
    with pytest.raises(CommandError, match="inget möte"):
        call_command("export_meeting", "ZZZZZZ")


def test_editor_downloads(client: Client, full_meeting: Meeting) -> None:
    editor = User.objects.create_user("redaktor", password="x-hemligt-3")
    editor.groups.add(AuthGroup.objects.get(name="Redaktör"))
    # An editor exports the meetings they are named on (see tests/test_takeover.py).
    full_meeting.facilitators.add(editor)
    client.force_login(editor)
    markdown = client.get(reverse("summary:markdown", args=[full_meeting.pk]))
    assert markdown.status_code == 200
    assert markdown["Content-Type"].startswith("text/markdown")
    assert "attachment" in markdown["Content-Disposition"]
    assert "## Lärare" in markdown.content.decode()
    as_json = client.get(reverse("summary:json", args=[full_meeting.pk]))
    assert json.loads(as_json.content)["meeting"]["title"] == "Dialogmöte 1"
    console = client.get(reverse("meetings:console")).content.decode()
    assert reverse("summary:markdown", args=[full_meeting.pk]) in console


def test_export_needs_the_editor_permission(client: Client, full_meeting: Meeting) -> None:
    nobody = User.objects.create_user("nobody", password="x-hemligt-4")
    client.force_login(nobody)
    assert client.get(reverse("summary:markdown", args=[full_meeting.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("summary:json", args=[full_meeting.pk])).status_code == 302


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "import.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _refused(path: Path, message: str, *args: str) -> None:
    """The import fails with a Swedish CommandError (no traceback) and writes nothing."""
    before = (Meeting.objects.count(), Group.objects.count(), Series.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command("import_meeting", str(path), *args, stdout=StringIO())
    assert (Meeting.objects.count(), Group.objects.count(), Series.objects.count()) == before


def _imported(path: Path, *args: str) -> Meeting:
    before = set(Meeting.objects.values_list("pk", flat=True))
    call_command("import_meeting", str(path), *args, stdout=StringIO())
    return Meeting.objects.exclude(pk__in=before).get()


# 1. Markdown: participants' text is text, never markup.


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Tid för kollegialt lärande", "Tid för kollegialt lärande"),
        ("Elevhälsa – tidiga insatser, 2026-års mål", "Elevhälsa – tidiga insatser, 2026-års mål"),
        ("Topp 25 – skolans resultat 2026–2028", "Topp 25 – skolans resultat 2026–2028"),
        ("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert(1)\>"),
        ("[x](javascript:alert(1))", r"\[x\](javascript:alert(1))"),
        ("![bild](http://x/y.png)", r"\!\[bild\](http://x/y.png)"),
        ("*fet* och _kursiv_ och `kod`", r"\*fet\* och \_kursiv\_ och \`kod\`"),
        ("# Rubrik", r"\# Rubrik"),
        ("1. Först", r"1\. Först"),
        ("12) Tolfte", r"12\) Tolfte"),
        ("- punkt", r"\- punkt"),
        ("+ punkt", r"\+ punkt"),
        ("> citat", r"\> citat"),
        ("a | b", r"a \| b"),
        (r"C:\mapp", r"C:\\mapp"),
        ("&lt;b&gt;", r"\&lt;b\&gt;"),
        ("rad ett\nrad två\r\n\r\n  # tre", r"rad ett rad två \# tre"),
        ("    indragen kod", "indragen kod"),
    ],
)
def test_md_escape(text: str, escaped: str) -> None:
    assert markdown_escape(text) == escaped


def test_markdown_escapes_all_participant_text(
    full_meeting: Meeting, teachers: Group, tmp_path: Path
) -> None:
    # Line breaks cannot be typed into a factor, but arrive through an import.
    data = meeting_data(full_meeting)
    data["meeting"].update(
        title="<script>alert(1)</script>",
        venue="[Stadshuset](javascript:alert(1))",
        series="*Serie*\n# Rubrik",
        core_question="Vad?\n\n1. Ny lista\n<img src=x onerror=alert(1)>",
    )
    data["groups"][0]["name"] = "## Lärare"
    data["groups"][0]["factors"][0]["text"] = "1. Inte en lista"
    data["groups"][0]["factors"][1]["text"] = "<img src=x onerror=alert(1)>"
    text = meeting_markdown(_imported(_write(tmp_path, data)))
    assert text.startswith(
        "# \\<script\\>alert(1)\\</script\\>\n\n"
        "23 november 2026 · \\[Stadshuset\\](javascript:alert(1)) · \\*Serie\\* \\# Rubrik\n"
    )
    assert "**Grundfråga:** Vad? 1. Ny lista \\<img src=x onerror=alert(1)\\>\n" in text
    assert (
        "## \\#\\# Lärare\n\n_Inte klar · 3 av 5_\n\n1. 1\\. Inte en lista\n2. \\<img src=x onerror=alert(1)\\>\n"
        "3. Tidiga insatser\n"
    ) in text
    assert "<img" not in text.replace("\\<img", "")


# 2. Every field has its type checked: a list or an object where text belongs is an error.


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["participants"][0].update(expert_group=["g8"]), "expert_group.*en lista"),
        (lambda d: d["participants"][1].update(expert_group={"k": 1}), "expert_group.*objekt"),
        (lambda d: d["participants"][0].update(home_group=["g1"]), "home_group.*text"),
        (lambda d: d["participants"][0].update(key=["p1"]), "key.*text"),
        (lambda d: d["groups"][0]["factors"][0].update(author=["p1"]), "author.*text eller null"),
        (lambda d: d["groups"][0]["factors"][0].update(author={"p": 1}), "author"),
        (lambda d: d["groups"][0]["factors"][0].update(text=["x"]), "text.*text"),
        (lambda d: d["groups"][0]["factors"][0].update(position="1"), "position.*heltal"),
        (lambda d: d["groups"][0]["factors"][0].update(position=True), "position.*heltal"),
        (lambda d: d["groups"][0].update(key={"g": 1}), "key"),
        (lambda d: d["groups"][0].update(kind=["home"]), "kind"),
        (lambda d: d["groups"][0].update(name=7), "name.*text"),
        (lambda d: d["groups"][0].update(profession=["larare"]), "profession"),
        (lambda d: d["groups"][0].update(agreed="ja"), "agreed.*true eller false"),
        (lambda d: d["groups"][0].update(factors={}), "factors.*lista"),
        (lambda d: d["meeting"].update(title=None), "title.*text"),
        (lambda d: d["meeting"].update(venue=3), "venue"),
        (lambda d: d["meeting"].update(core_question=[]), "core_question"),
        (lambda d: d["meeting"].update(date=20261123), "date"),
        (lambda d: d["meeting"].update(factor_count=5.0), "factor_count.*heltal"),
        (lambda d: d["meeting"].update(factor_count=True), "factor_count"),
        (lambda d: d["meeting"].update(series={"name": "x"}), "series.*text eller null"),
        (lambda d: d.update(version=True), "schemaversion true"),
        (lambda d: d.update(version="1"), "schemaversion"),
        (lambda d: d.update(groups={}), "groups.*lista"),
        (lambda d: d.update(participants=None), "participants"),
    ],
)
def test_import_checks_every_type(
    full_meeting: Meeting, tmp_path: Path, mutate, message: str
) -> None:
    data = meeting_data(full_meeting)
    mutate(data)
    _refused(_write(tmp_path, data), message)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("20261123", "ÅÅÅÅ-MM-DD"),
        ("2026-W48-1", "ÅÅÅÅ-MM-DD"),
        ("2026-02-30", "ÅÅÅÅ-MM-DD"),
    ],
)
def test_import_needs_a_plain_date(
    full_meeting: Meeting, tmp_path: Path, value: str, message: str
) -> None:
    data = meeting_data(full_meeting)
    data["meeting"]["date"] = value
    _refused(_write(tmp_path, data), message)


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x9b", "\ud800"])
def test_import_cleans_control_characters(
    full_meeting: Meeting, tmp_path: Path, character: str
) -> None:
    """The same cleaning rule as every form (meetings/text.py): dropped, not refused."""
    data = meeting_data(full_meeting)
    data["groups"][0]["name"] = f"Lä{character}rare"
    data["groups"][0]["factors"][0]["text"] = f"Tid{character} för\tlärande"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # ASCII: "\u0000", "\ud800"
    imported = _imported(path)
    group = imported.home_groups().get(position=1)
    assert group.name == "Lärare"
    assert group.factors.get(position=1).text == "Tid för lärande"


# 3. Duplicate group names (per kind, in any case) are refused before anything is written.


def test_import_refuses_duplicate_group_names(full_meeting: Meeting, tmp_path: Path) -> None:
    data = meeting_data(full_meeting)
    data["groups"][1]["name"] = "LÄRARE"
    _refused(_write(tmp_path, data), "groups\\[2\\]: det finns redan en hemgrupp som heter")


def test_import_allows_the_same_name_for_a_home_and_an_expert_group(
    full_meeting: Meeting, tmp_path: Path
) -> None:
    data = meeting_data(full_meeting)
    data["groups"].append(
        {
            "key": "g99",
            "kind": "expert",
            "name": "Lärare",
            "profession": None,
            "agreed": False,
            "factors": [],
            "pool": None,
            "ideas": [],
        }
    )
    imported = _imported(_write(tmp_path, data))
    assert imported.groups.filter(name="Lärare").count() == 2
    assert json.loads(meeting_json(imported)) == data | {
        "groups": data["groups"][:-1] + [{**data["groups"][-1], "key": "g8"}]
    }


def test_import_refuses_expert_groups_before_home_groups(
    full_meeting: Meeting, tmp_path: Path
) -> None:
    data = meeting_data(full_meeting)
    data["groups"][0]["kind"] = "expert"
    _refused(_write(tmp_path, data), "hemgrupperna ska stå före expertgrupperna")


# 4. The series' name has the same limit as in the database.


def test_import_checks_the_series_name(full_meeting: Meeting, tmp_path: Path) -> None:
    data = meeting_data(full_meeting)
    data["meeting"]["series"] = "S" * 201
    _refused(_write(tmp_path, data), "series.*längre än 200 tecken")
    data["meeting"]["series"] = "   "
    _refused(_write(tmp_path, data), "series.*tomt")
    data["meeting"]["series"] = "S" * 200
    assert _imported(_write(tmp_path, data)).series == Series.objects.get(name="S" * 200)


# 5. Factor texts follow the same rule as typing on a phone.


def test_import_cleans_factor_texts(full_meeting: Meeting, tmp_path: Path) -> None:
    data = meeting_data(full_meeting)
    data["groups"][0]["factors"][0]["text"] = "  Tid  för\n kollegialt\tlärande "
    data["groups"][0]["factors"][1]["text"] = " " * 300 + "Tydliga mål"
    imported = _imported(_write(tmp_path, data))
    teachers = imported.groups.get(name="Lärare")
    assert [f.text for f in teachers.ordered_factors()] == [
        "Tid för kollegialt lärande",
        "Tydliga mål",
        "Tidiga insatser",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" \n\t ", "tomt"),
        ("x" * 201, "längre än 200 tecken"),
    ],
)
def test_bad_factor_text_names_group_and_position(
    full_meeting: Meeting, tmp_path: Path, text: str, message: str
) -> None:
    data = meeting_data(full_meeting)
    data["groups"][0]["factors"][1]["text"] = text
    _refused(
        _write(tmp_path, data),
        f"”text” i gruppen groups\\[1\\] ”Lärare”, framgångsfaktor 2 .*{message}",
    )


# 6. profession: a known value or null; "" is refused, so every accepted file round-trips.


def test_import_refuses_empty_profession(full_meeting: Meeting, tmp_path: Path) -> None:
    data = meeting_data(full_meeting)
    data["groups"][0]["profession"] = ""
    _refused(_write(tmp_path, data), "groups\\[1\\]: profession är tom; skriv null")
    data["groups"][0]["profession"] = "lärare"
    _refused(_write(tmp_path, data), "okänd yrkesgrupp ”lärare”")


def test_accepted_file_round_trips(full_meeting: Meeting, tmp_path: Path) -> None:
    data = meeting_data(full_meeting)
    data["groups"][0]["profession"] = None
    data["meeting"].update(series="Topp 25", venue="")
    path = _write(tmp_path, data)
    assert json.loads(meeting_json(_imported(path))) == data


# 7. An imported meeting is an archive: closed for joining, with an optional facilitator.


def test_imported_meeting_is_closed_for_joining(full_meeting: Meeting, tmp_path: Path) -> None:
    imported = _imported(_write(tmp_path, meeting_data(full_meeting)))
    assert imported.joining_open is False
    assert not imported.facilitators.exists()


def test_import_with_facilitator(full_meeting: Meeting, tmp_path: Path) -> None:
    bertil = User.objects.create_user("bertil", password="x-hemligt-5")
    out = StringIO()
    call_command(
        "import_meeting",
        str(_write(tmp_path, meeting_data(full_meeting))),
        "--facilitator",
        "bertil",
        stdout=out,
    )
    imported = Meeting.objects.exclude(pk=full_meeting.pk).get()
    assert list(imported.facilitators.all()) == [bertil]
    assert imported in Meeting.objects.facilitated_by(bertil)
    assert "stängt för nya deltagare" in out.getvalue() and "bertil" in out.getvalue()


def test_import_with_unknown_facilitator(full_meeting: Meeting, tmp_path: Path) -> None:
    path = _write(tmp_path, meeting_data(full_meeting))
    _refused(path, "ingen användare med användarnamnet ”okänd”", "--facilitator", "okänd")


# 8. The file's shape: objects where objects belong, no unknown or missing fields.


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "ingen topp25-export"),
        ("topp25.meeting", "ingen topp25-export"),
        (None, "ingen topp25-export"),
        ({"schema": "topp25.meeting"}, "schemaversion null"),
    ],
)
def test_import_of_a_file_that_is_not_an_object(
    tmp_path: Path, db: None, data: object, message: str
) -> None:
    _refused(_write(tmp_path, data), message)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d.update(meeting=["Dialogmöte 1"]),
            "Fel typ i meeting: det ska vara ett objekt",
        ),
        (
            lambda d: d["groups"].__setitem__(0, "Lärare"),
            "Fel typ i groups\\[1\\]: det ska vara ett objekt",
        ),
        (lambda d: d["groups"].__setitem__(1, None), "Fel typ i groups\\[2\\]"),
        (
            lambda d: d["groups"][0]["factors"].__setitem__(0, "Tid"),
            "framgångsfaktor 1: det ska vara ett objekt",
        ),
        (lambda d: d["participants"].__setitem__(0, "p1"), "Fel typ i participants\\[1\\]"),
        (lambda d: d["participants"].__setitem__(1, ["p2"]), "Fel typ i participants\\[2\\]"),
        (lambda d: d.update(extra=1), "Okänt fält ”extra” i filen"),
        (lambda d: d["meeting"].update(facilitator="anna"), "Okänt fält ”facilitator”"),
        (lambda d: d["groups"][0].update(profesion="larare"), "Okänt fält ”profesion”"),
        (lambda d: d["groups"][0]["factors"][0].update(votes=3), "Okänt fält ”votes”"),
        (lambda d: d["participants"][0].update(display_name="Anna"), "Okänt fält"),
        (lambda d: d["groups"][0].pop("profession"), "”profession” saknas i groups\\[1\\]"),
        (lambda d: d["participants"][0].pop("expert_group"), "”expert_group” saknas"),
        (lambda d: d["groups"][0]["factors"][0].pop("author"), "”author” saknas"),
        (lambda d: d.pop("participants"), "”participants” saknas i filen"),
    ],
)
def test_import_checks_the_shape(
    full_meeting: Meeting, tmp_path: Path, mutate, message: str
) -> None:
    data = meeting_data(full_meeting)
    mutate(data)
    _refused(_write(tmp_path, data), message)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"schema": "topp25.meeting", "schema": "x"}', "”schema” förekommer två gånger"),
        ("[" * 100_000, "inte giltig JSON"),
        ("", "inte giltig JSON \\(fel på rad 1"),
    ],
)
def test_import_of_broken_json(tmp_path: Path, db: None, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    _refused(path, message)


def test_import_of_unreadable_files(tmp_path: Path, db: None) -> None:
    (tmp_path / "latin1.json").write_bytes('{"title": "Mötet"}'.encode("latin-1"))
    _refused(tmp_path / "latin1.json", "inte sparad som UTF-8")
    _refused(tmp_path, "kunde inte läsas")
    _refused(tmp_path / "saknas.json", "finns inte")


def test_import_skips_a_byte_order_mark(full_meeting: Meeting, tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + meeting_json(full_meeting).encode())
    assert meeting_json(_imported(path)) == meeting_json(full_meeting)


def test_database_refusal_is_an_answer_not_a_traceback(
    full_meeting: Meeting, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(Participant.objects, "create", refuse)
    _refused(_write(tmp_path, meeting_data(full_meeting)), "Databasen tog inte emot filen")


# 9. Version 2: a JSON Schema document, optional agenda and themes, version 1 still read.


def test_export_is_valid_against_the_schema_document(full_meeting: Meeting) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = meeting_data(full_meeting)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert data["version"] == 4 and data["agenda"] == []
    # Themes are the finder's (none recur in these factors); tests/test_summary_wiring.py
    # exports a meeting whose groups share themes.
    assert data["themes"] == []


def test_docs_describe_every_field_of_the_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    docs = (Path(__file__).parent.parent / "docs" / "export-schema.md").read_text()
    fields: set[str] = set(schema["properties"])
    for definition in schema["$defs"].values():
        fields |= set(definition.get("properties", {}))
    # Each field is named in the table, in backticks (`meeting.title`, `agenda[].speaker`).
    missing = sorted(f for f in fields if not re.search(rf"`[^`\n]*\b{f}\b[^`\n]*`", docs))
    assert missing == []


def _version_2(data: dict) -> dict:
    """A version-2 file of the same meeting: without version 3's fields (none of which this
    meeting uses)."""
    old = {
        key: value
        for key, value in data.items()
        if key not in ("pool_settings", "reflection", "experts_published_at", "editor")
    }
    old["groups"] = [
        {
            **{key: value for key, value in group.items() if key not in ("ideas", "pool")},
            "factors": [
                {key: value for key, value in factor.items() if key != "source_ideas"}
                for factor in group["factors"]
            ],
        }
        for group in data["groups"]
    ]
    old["participants"] = [
        {key: value for key, value in participant.items() if key != "left_at"}
        for participant in data["participants"]
    ]
    return old | {"version": 2}


def _version_1(data: dict) -> dict:
    old = {key: value for key, value in _version_2(data).items() if key not in ("agenda", "themes")}
    return old | {"version": 1}


def test_version_1_files_still_import(full_meeting: Meeting, tmp_path: Path) -> None:
    exported = meeting_json(full_meeting)
    old = _version_1(json.loads(exported))
    assert list(old) == ["schema", "version", "meeting", "groups", "participants"]
    imported = _imported(_write(tmp_path, old))
    assert meeting_json(imported) == exported


def test_version_1_files_have_no_version_2_fields(full_meeting: Meeting, tmp_path: Path) -> None:
    old = _version_1(meeting_data(full_meeting)) | {"themes": []}
    _refused(_write(tmp_path, old), "Okänt fält ”themes” i filen \\(det finns först i version 2\\)")


AGENDA = [
    {
        "position": 1,
        "kind": "introduction",
        "title": "Välkommen och grundfrågan",
        "planned_minutes": 10,
        "speaker": "Skolchef Åsa Öberg",
        "note": "",
        "started_at": "2026-11-23T13:00:00+01:00",
        "ended_at": "2026-11-23T13:12:30+01:00",
    },
    {
        "position": 2,
        "kind": "agree",
        "title": "Hemgrupper: enas om fem framgångsfaktorer",
        "planned_minutes": 45,
        "speaker": "",
        "note": "Bikupor först, sedan helgrupp.",
        "started_at": None,
        "ended_at": None,
    },
]


def test_version_2_agenda_and_themes_are_checked(full_meeting: Meeting, tmp_path: Path) -> None:
    data = meeting_data(full_meeting)
    data["agenda"] = AGENDA
    data["themes"] = [
        {
            "label": "Ledarskap och tid",
            "factors": [{"group": "g1", "position": 1}, {"group": "g3", "position": 1}],
        }
    ]
    imported = _imported(_write(tmp_path, data))
    # The agenda round-trips (with when each phase ran); themes are checked, not stored: the
    # export of the import has the themes found afresh in its factors, as the original's has.
    assert json.loads(meeting_json(imported)) == data | {
        "themes": meeting_data(full_meeting)["themes"]
    }
    assert [phase.title for phase in imported.agenda()] == [item["title"] for item in AGENDA]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(agenda={}), "”agenda” i filen ska vara en lista"),
        (
            lambda d: d["agenda"][0].update(started_at="23/11 13.00"),
            "”started_at” i agenda\\[1\\] ska vara en tidpunkt",
        ),
        (lambda d: d["agenda"][1].update(position=3), "Fel plats i agenda\\[2\\]"),
        (
            lambda d: d["agenda"][0].update(kind="Välkommen"),
            "agenda\\[1\\]: okänd sort ”Välkommen”",
        ),
        (lambda d: d["agenda"][0].update(title=" "), "”title” i agenda\\[1\\] är tomt"),
        (lambda d: d["agenda"][0].pop("speaker"), "”speaker” saknas i agenda\\[1\\]"),
        (lambda d: d["agenda"][1].update(speaker=None), "”speaker” i agenda\\[2\\] ska vara text"),
        (
            lambda d: d["agenda"][0].update(title="R" * 121),
            "”title” i agenda\\[1\\] är längre än 120",
        ),
        (
            lambda d: d["agenda"][0].update(planned_minutes=-5),
            "planned_minutes i agenda\\[1\\] ska vara mellan 0 och 600",
        ),
        (
            lambda d: d["agenda"][0].update(note=["x"]),
            "”note” i agenda\\[1\\] ska vara text, inte en lista",
        ),
        (lambda d: d["themes"][0].update(label=""), "”label” i themes\\[1\\] är tomt"),
        (lambda d: d["themes"][0].update(färg="röd"), "Okänt fält ”färg” i themes\\[1\\]"),
        (
            lambda d: d["themes"][0]["factors"][0].update(group="g99"),
            "themes\\[1\\].factors\\[1\\]: gruppen ”g99” finns inte",
        ),
        (
            lambda d: d["themes"][0]["factors"][1].update(position=2),
            "themes\\[1\\].factors\\[2\\]: gruppen ”g3” har ingen framgångsfaktor 2",
        ),
        (
            lambda d: d["themes"][0]["factors"][1].update(position="1"),
            "”position” i themes\\[1\\].factors\\[2\\] ska vara ett heltal",
        ),
    ],
)
def test_version_2_fields_have_swedish_messages(
    full_meeting: Meeting, tmp_path: Path, mutate, message: str
) -> None:
    data = meeting_data(full_meeting)
    data["agenda"] = [dict(item) for item in AGENDA]
    data["themes"] = [
        {
            "label": "Ledarskap",
            "factors": [{"group": "g1", "position": 1}, {"group": "g3", "position": 1}],
        }
    ]
    mutate(data)
    _refused(_write(tmp_path, data), message)


def test_json_themes_come_from_the_document_keys(full_meeting: Meeting) -> None:
    from summary.document import Theme, ThemeFactor, build_summary

    doc = build_summary(full_meeting)
    theme = Theme("Ledarskap", (ThemeFactor(doc.home_groups[2].key, 1),))
    data = meeting_data(full_meeting, themes=[theme])
    group = next(g for g in data["groups"] if g["key"] == data["themes"][0]["factors"][0]["group"])
    assert group["name"] == "Rektorer" and data["themes"][0]["label"] == "Ledarskap"
