"""JSON archive version 4 keeps the editor's version (lead, closing paragraph, rewordings and the
groups' order); versions 1–3 still import; export → import → export is byte-identical."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pytest
from django.contrib.auth.models import User

from meetings.models import Meeting
from summary.archive import SCHEMA_PATH, ImportRejected, import_meeting, meeting_data, meeting_json
from summary.models import SummaryDraft
from summary.outputs import FORMATS

from .test_article_whole import CLOSING, LEAD, PARTS, REWORDED, assert_in_order, read_back
from .test_article_whole import finished as finished  # the fixtures, shared
from .test_article_whole import ran as ran


@pytest.fixture
def reordered(finished: Meeting, facilitator: User) -> Meeting:
    from summary import services as summary_services

    rektorer = finished.home_groups().get(name="Rektorer")
    summary_services.move_group(
        meeting=finished, group_id=rektorer.pk, direction="up", version=1, user=facilitator
    )
    return finished


def _older(data: dict[str, Any], version: int) -> dict[str, Any]:
    """The same meeting as a file of an earlier version: without the later versions' fields."""
    old = copy.deepcopy(data)
    old.pop("editor")
    if version <= 2:
        for key in ("pool_settings", "reflection", "experts_published_at"):
            old.pop(key)
        for group in old["groups"]:
            group.pop("ideas"), group.pop("pool")
            for factor in group["factors"]:
                factor.pop("source_ideas")
        for participant in old["participants"]:
            participant.pop("left_at")
    if version == 1:
        old.pop("agenda"), old.pop("themes")
    return old | {"version": version}


def test_version_4_keeps_the_editors_version(reordered: Meeting) -> None:
    data = meeting_data(reordered)
    jsonschema.validate(
        data,
        json.loads(SCHEMA_PATH.read_text(encoding="utf-8")),
        cls=jsonschema.Draft202012Validator,
    )
    keys = {group["name"]: group["key"] for group in data["groups"]}
    assert data["version"] == 4
    editor = data["editor"]
    assert editor["lead"] == LEAD and editor["closing"] == CLOSING
    assert editor["factor_edits"] == [
        {
            "group": keys["Lärare"],
            "position": 2,
            "text": REWORDED,
            "based_on": "Studiero i klasrummet",
        }
    ]
    assert editor["group_order"].index(keys["Rektorer"]) < editor["group_order"].index(
        keys["Förskollärare"]
    )


def test_round_trip_of_version_4_is_byte_identical(reordered: Meeting) -> None:
    exported = meeting_json(reordered)
    imported = import_meeting(json.loads(exported))
    assert meeting_json(imported) == exported
    # The restored archive's article is the editor's, not the groups' record.
    assert_in_order(read_back("md", FORMATS["md"].write(imported)), PARTS)
    draft = SummaryDraft.objects.get(meeting=imported)
    assert not draft.is_published  # a restored archive is published again by hand


def test_a_meeting_nobody_edited_has_no_editor(ran: Meeting) -> None:
    exported = meeting_json(ran)
    assert json.loads(exported)["editor"] is None
    imported = import_meeting(json.loads(exported))
    assert not SummaryDraft.objects.filter(meeting=imported).exists()
    assert meeting_json(imported) == exported


@pytest.mark.parametrize("version", [1, 2, 3])
def test_older_versions_still_import_and_export_again_identically(
    reordered: Meeting, version: int
) -> None:
    old = _older(meeting_data(reordered), version)
    imported = import_meeting(old)
    again = meeting_data(imported)
    assert again["version"] == 4 and again["editor"] is None
    assert _older(again, version) == old
    # And the new archive round-trips byte for byte.
    exported = meeting_json(imported)
    assert meeting_json(import_meeting(json.loads(exported))) == exported


@pytest.mark.parametrize("version", [1, 2, 3])
def test_an_older_file_may_not_hold_the_editor(reordered: Meeting, version: int) -> None:
    old = _older(meeting_data(reordered), version) | {"editor": None}
    with pytest.raises(ImportRejected, match="det finns först i version 4"):
        import_meeting(old)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("editor"), "editor"),
        (lambda d: d["editor"]["group_order"].append("g99"), "group_order"),
        (lambda d: d["editor"]["factor_edits"][0].update(position=5), "ingen framgångsfaktor 5"),
        (lambda d: d["editor"]["factor_edits"][0].update(text=" "), "factor_edits"),
        (lambda d: d["editor"].update(lead="x" * 5001), "lead"),
    ],
)
def test_a_bad_editor_part_changes_nothing(reordered: Meeting, mutate: Any, message: str) -> None:
    data = meeting_data(reordered)
    mutate(data)
    before = Meeting.objects.count()
    with pytest.raises(ImportRejected, match=message):
        import_meeting(data)
    assert Meeting.objects.count() == before
