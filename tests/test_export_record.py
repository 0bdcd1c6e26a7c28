"""The group work in the record: ideas, votes, merges, expert groups and reflection words in the
JSON export (version 3) and its import, and in the Markdown summary."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from groups import reflection, words
from groups import services as groups
from groups.models import Dot, HiddenWord, Idea, IdeaPool, PoolSettings, ReflectionWord
from meetings import services
from meetings.models import Group, Meeting, Participant, PhaseKind
from summary.archive import SCHEMA_PATH, meeting_data, meeting_json
from summary.outputs import meeting_markdown
from tests.support.phases import run_phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def ran_afternoon(afternoon: Meeting, facilitator: User) -> Meeting:
    """A meeting that ran: a private pool revealed, dots, a merge, a withdrawn idea, a pick,
    expert groups published with one list, someone gone, reflection words and a hidden one;
    each in the phase that allows it."""
    meeting = afternoon
    teachers, principals = meeting.home_groups().order_by("position")
    groups.update_pool_settings(
        meeting=meeting, dots_per_member=2, several_dots_per_idea=False, private_until_revealed=True
    )
    anna, bo, cia = (
        services.join_meeting(meeting=meeting, home_group_id=teachers.pk) for _ in range(3)
    )
    dan = services.join_meeting(meeting=meeting, home_group_id=principals.pk)
    run_phase(meeting, PhaseKind.BUZZ)
    first = groups.add_idea(group=teachers, author=anna, text="Tid för kollegialt lärande")
    second = groups.add_idea(group=teachers, author=bo, text="Kollegialt lärande")
    silly = groups.add_idea(group=teachers, author=cia, text="Längre raster")
    groups.add_idea(group=principals, author=dan, text="Nära ledarskap")
    groups.withdraw_idea(group=teachers, author=cia, idea_id=silly.pk)
    groups.reveal_pool(group=teachers, by=anna)
    run_phase(meeting, PhaseKind.DIALOGUE)
    groups.set_dots(group=teachers, participant=anna, idea_id=first.pk, count=1)
    groups.set_dots(group=teachers, participant=bo, idea_id=first.pk, count=1)
    groups.set_dots(group=teachers, participant=bo, idea_id=second.pk, count=1)
    groups.set_dots(group=teachers, participant=cia, idea_id=second.pk, count=1)
    # Bo dotted both: after the merge he counts once on the survivor (3 votes, not 4).
    groups.merge_ideas(group=teachers, idea_id=second.pk, into_id=first.pk, by=anna)
    groups.pick_idea(group=teachers, idea_id=first.pk, author=anna)
    groups.add_factor(group=teachers, text="Tydliga mål", author=bo)

    services.allocate_experts(meeting=meeting, expert_count=2)
    services.publish_experts(meeting=meeting)
    run_phase(meeting, PhaseKind.EXPERT)
    expert = meeting.groups.filter(kind=Group.Kind.EXPERT).order_by("position").first()
    assert expert is not None
    groups.add_factor(group=expert, text="Gemensam bild av elevhälsan")
    services.set_participant_left(meeting=meeting, participant_id=dan.pk, left=True)

    run_phase(meeting, PhaseKind.REFLECTION)
    reflection.submit_words(meeting=meeting, participant=anna, entries=["Trygghet", "mod"])
    reflection.submit_words(meeting=meeting, participant=bo, entries=["tryggheten", "trams"])
    reflection.submit_words(meeting=meeting, participant=cia, entries=["Trygghet", "Mod"])
    reflection.submit_words(meeting=meeting, participant=dan, entries=["samarbete"])
    reflection.hide_word(meeting=meeting, key=words.fold("trams"), hidden_by=facilitator)
    # The ran_afternoon is over (a running phase would be ended in the archive).
    services.end_phase(meeting=meeting)
    return Meeting.objects.get(pk=meeting.pk)


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "import.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _imported(path: Path) -> Meeting:
    before = set(Meeting.objects.values_list("pk", flat=True))
    call_command("import_meeting", str(path), stdout=StringIO())
    return Meeting.objects.exclude(pk__in=before).get()


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Meeting, Group, Participant, Idea, Dot, IdeaPool, PoolSettings)
    ) + (ReflectionWord.objects.count(), HiddenWord.objects.count())


def _refused(path: Path, message: str) -> None:
    before = _counts()
    with pytest.raises(CommandError, match=message):
        call_command("import_meeting", str(path), stdout=StringIO())
    assert _counts() == before


def test_version_3_holds_the_group_work(ran_afternoon: Meeting) -> None:
    data = meeting_data(ran_afternoon)
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert data["version"] == 4
    teachers = data["groups"][0]
    assert teachers["name"] == "Lärare"
    ideas = {idea["text"]: idea for idea in teachers["ideas"]}
    assert [idea["key"] for idea in teachers["ideas"]] == ["i1", "i2", "i3"]
    kept, merged, withdrawn = (
        ideas["Tid för kollegialt lärande"],
        ideas["Kollegialt lärande"],
        ideas["Längre raster"],
    )
    # Votes carried over without counting Bo (p2) twice; the merged idea keeps its text.
    assert kept["votes"] == 3
    assert kept["dots"] == [
        {"participant": "p1", "count": 1},
        {"participant": "p2", "count": 1},
        {"participant": "p3", "count": 1},
    ]
    assert merged["merged_into"] == "i1" and merged["merged_by"] == "p1"
    assert merged["merged_at"] is not None and merged["votes"] == 0 and merged["dots"] == []
    assert withdrawn["withdrawn_at"] is not None and withdrawn["votes"] == 0
    assert kept["withdrawn_at"] is None and kept["author"] == "p1"
    assert teachers["pool"]["revealed_by"] == "p1"
    assert teachers["pool"]["revealed_by_facilitator"] is False
    assert teachers["factors"][0]["source_ideas"] == ["i1", "i2"]
    assert teachers["factors"][1]["source_ideas"] == []
    principals = data["groups"][1]
    assert principals["pool"] is None
    assert [idea["key"] for idea in principals["ideas"]] == ["i4"]
    assert data["pool_settings"] == {
        "dots_per_member": 2,
        "several_dots_per_idea": False,
        "private_until_revealed": True,
    }
    assert data["experts_published_at"] is not None
    assert all(p["expert_group"] for p in data["participants"])
    assert [p["left_at"] is not None for p in data["participants"]] == [
        False,
        False,
        False,
        True,
    ]
    given = data["reflection"]["words"]
    assert [(w["text"], w["key"], w["participant"]) for w in given] == [
        ("Trygghet", words.fold("Trygghet"), "p1"),
        ("mod", words.fold("mod"), "p1"),
        ("tryggheten", words.fold("Trygghet"), "p2"),
        ("trams", words.fold("trams"), "p2"),
        ("Trygghet", words.fold("Trygghet"), "p3"),
        ("Mod", words.fold("mod"), "p3"),
        ("samarbete", words.fold("samarbete"), "p4"),
    ]
    [hidden] = data["reflection"]["hidden"]
    assert hidden["key"] == words.fold("trams") and hidden["text"] == "trams"
    assert hidden["hidden_by_name"] == "anna"
    assert hidden["hidden_at"] is not None


def test_export_import_export_is_byte_identical(ran_afternoon: Meeting, tmp_path: Path) -> None:
    exported = meeting_json(ran_afternoon)
    path = tmp_path / "ran_afternoon.json"
    path.write_text(exported, encoding="utf-8")
    imported = _imported(path)
    assert meeting_json(imported) == exported
    # The archive holds real rows: the pool shows the same counts and merges.
    teachers = imported.home_groups().get(name="Lärare")
    survivor = teachers.ideas.get(text="Tid för kollegialt lärande")
    assert groups.vote_counts(teachers) == {survivor.pk: 3}
    assert teachers.ideas.get(text="Kollegialt lärande").merged_into == survivor
    assert list(teachers.factors.get(position=1).source_ideas.order_by("pk")) == list(
        teachers.ideas.filter(text__contains="ollegialt").order_by("pk")
    )
    assert PoolSettings.for_meeting(imported.pk).dots_per_member == 2
    ranked = reflection.words_context(imported)["reflection"]["ranked"]
    assert [(word.text, word.count) for word in ranked] == [
        ("Trygghet", 3),
        ("mod", 2),
        ("samarbete", 1),
    ]
    # The Markdown of the archive is the original's.
    assert meeting_markdown(imported) == meeting_markdown(ran_afternoon)


def _version_2(data: dict[str, Any]) -> dict[str, Any]:
    old = copy.deepcopy(data)
    for key in ("pool_settings", "reflection", "experts_published_at", "editor"):
        old.pop(key)
    for group in old["groups"]:
        group.pop("ideas"), group.pop("pool")
        for factor in group["factors"]:
            factor.pop("source_ideas")
    for participant in old["participants"]:
        participant.pop("left_at")
    return old | {"version": 2}


def test_version_2_and_1_files_of_the_afternoon_still_import(
    ran_afternoon: Meeting, tmp_path: Path
) -> None:
    old = _version_2(meeting_data(ran_afternoon))
    imported = _imported(_write(tmp_path, old))
    again = meeting_data(imported)
    assert again["version"] == 4
    assert [len(group["ideas"]) for group in again["groups"]] == [0] * len(again["groups"])
    assert again["reflection"] == {"words": [], "hidden": []}
    assert _version_2(again) == old
    oldest = {k: v for k, v in old.items() if k not in ("agenda", "themes")} | {"version": 1}
    imported = _imported(_write(tmp_path, oldest))
    assert imported.groups.count() == ran_afternoon.groups.count()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["groups"][0].update(ideas=[]), "Okänt fält ”ideas” i groups\\[1\\]"),
        (lambda d: d.update(reflection={"words": [], "hidden": []}), "”reflection” i filen"),
        (
            lambda d: d["participants"][0].update(left_at=None),
            "Okänt fält ”left_at” i participants\\[1\\] \\(det finns först i version 3\\)",
        ),
        (
            lambda d: d["groups"][0]["factors"][0].update(source_ideas=[]),
            "Okänt fält ”source_ideas” .*version 3",
        ),
    ],
)
def test_version_2_files_have_no_version_3_fields(
    ran_afternoon: Meeting, tmp_path: Path, mutate: Callable[[dict[str, Any]], None], message: str
) -> None:
    old = _version_2(meeting_data(ran_afternoon))
    mutate(old)
    _refused(_write(tmp_path, old), message)


def _teachers_idea(data: dict[str, Any], number: int) -> dict[str, Any]:
    idea: dict[str, Any] = data["groups"][0]["ideas"][number]
    return idea


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["groups"][0].pop("ideas"), "Fältet ”ideas” saknas i groups\\[1\\]"),
        (lambda d: d.pop("pool_settings"), "Fältet ”pool_settings” saknas i filen"),
        (
            lambda d: _teachers_idea(d, 0).update(votes="3"),
            "Fältet ”votes” i groups\\[1\\].ideas\\[1\\] ska vara ett heltal, inte text",
        ),
        (
            lambda d: _teachers_idea(d, 0).update(votes=4),
            "”votes” i gruppen groups\\[1\\] ”Lärare”, idé 1 ska vara summan",
        ),
        (
            lambda d: _teachers_idea(d, 0).update(text="   "),
            "Fältet ”text” i gruppen groups\\[1\\] ”Lärare”, idé 1 är tomt",
        ),
        (
            lambda d: _teachers_idea(d, 0).update(text="x" * 201),
            "Fältet ”text” i gruppen groups\\[1\\] ”Lärare”, idé 1 är längre än 200 tecken",
        ),
        (
            lambda d: d["groups"][0]["pool"].update(revealed_by="p99"),
            "Okänd deltagare ”p99” i fältet ”revealed_by” i gruppen groups\\[1\\] ”Lärare”, pool",
        ),
        (
            lambda d: _teachers_idea(d, 0).update(created_at=None),
            "Fältet ”created_at” i gruppen groups\\[1\\] ”Lärare”, idé 1 ska vara en tidpunkt",
        ),
        (
            lambda d: _teachers_idea(d, 1).update(merged_into="i4"),
            "idé 2: merged_into pekar inte på en annan idé i samma grupp",
        ),
        (
            lambda d: _teachers_idea(d, 1).update(key="i1"),
            "Idényckeln ”i1” förekommer två gånger",
        ),
        (
            lambda d: _teachers_idea(d, 0)["dots"][0].update(participant="p99"),
            "Okänd deltagare ”p99” i fältet ”dots”",
        ),
        (
            lambda d: _teachers_idea(d, 0)["dots"][0].update(count=11),
            "count i groups\\[1\\].ideas\\[1\\].dots\\[1\\] ska vara mellan 1 och 10",
        ),
        (
            lambda d: d["groups"][0]["factors"][0].update(source_ideas=["i4"]),
            "framgångsfaktor 1: källidén ”i4” finns inte i gruppens idéer",
        ),
        (
            lambda d: d["reflection"]["words"][0].update(participant="p99"),
            "Okänd deltagare ”p99” i fältet ”participant” i reflection.words\\[1\\]",
        ),
        (
            lambda d: d["reflection"]["hidden"].append(dict(d["reflection"]["hidden"][0])),
            "reflection.hidden\\[2\\]: ordet ”.+” är redan dolt",
        ),
        (
            lambda d: d["reflection"]["words"][0].update(text="x" * 41),
            "Fältet ”text” i reflection.words\\[1\\] är längre än 40 tecken",
        ),
        (
            lambda d: d.update(experts_published_at="2026-12-01T14:00:00"),
            "Fältet ”experts_published_at” i filen ska vara en tidpunkt",
        ),
        (
            lambda d: d["pool_settings"].update(dots_per_member=0),
            "dots_per_member i pool_settings ska vara mellan 1 och 10",
        ),
    ],
)
def test_bad_group_work_is_refused_in_swedish_and_nothing_is_written(
    ran_afternoon: Meeting, tmp_path: Path, mutate: Callable[[dict[str, Any]], None], message: str
) -> None:
    data = meeting_data(ran_afternoon)
    mutate(data)
    _refused(_write(tmp_path, data), message)


def test_markdown_has_the_reflection_words_and_the_expert_lists(ran_afternoon: Meeting) -> None:
    text = meeting_markdown(ran_afternoon)
    assert (
        "## Reflektion\n\n"
        "Orden i reflektionen, de vanligaste först (antal i parentes):\n\n"
        "- Trygghet (3)\n- mod (2)\n- samarbete (1)\n"
    ) in text
    assert "trams" not in text  # hidden by the facilitator
    assert "## Expertgrupper\n" in text
    assert "1. Gemensam bild av elevhälsan\n" in text
    assert text.index("## Expertgrupper") < text.index("## Reflektion")
    # Who dotted what is never in the summary.
    assert "prick" not in text.lower()


def test_markdown_without_reflection_has_no_section(meeting: Meeting) -> None:
    assert "## Reflektion" not in meeting_markdown(meeting)
