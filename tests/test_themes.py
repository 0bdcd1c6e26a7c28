"""Themes of a meeting: found afresh until an editor curates, and curation that survives."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from groups import services as group_services
from groups.models import SuccessFactor
from meetings.errors import DomainError
from meetings.models import Meeting
from meetings.roles import FACILITATOR_ROLE
from summary import services
from summary.archive import meeting_data
from summary.models import CuratedTheme, ThemeFactor

TEXTS = {
    "Lärare": ["Trygg lärmiljö", "Samarbete med vårdnadshavare", "Läsförståelse"],
    "Rektorer": ["Skapa trygghet i klassrummet", "Tydligt pedagogiskt ledarskap"],
    "Elevhälsa": ["Tryggare skolgårdar och raster", "Samverkan med socialtjänsten"],
    "Politiker": ["Rektorer med mandat", "Läsförståelse i alla ämnen"],
}


@pytest.fixture
def factors(meeting: Meeting) -> dict[str, SuccessFactor]:
    made: dict[str, SuccessFactor] = {}
    for name, texts in TEXTS.items():
        group = meeting.home_groups().get(name=name)
        for text in texts:
            made[text] = group_services.add_factor(group=group, text=text)
    return made


def by_label(meeting: Meeting) -> dict[str, services.Theme]:
    return {theme.label: theme for theme in services.meeting_themes(meeting)}


def texts_of(theme: services.Theme) -> list[str]:
    return [factor.text for factor in theme.factors]


def test_found_afresh_until_curated(meeting: Meeting, factors: dict[str, Any]) -> None:
    themes = by_label(meeting)
    assert set(themes) == {"Trygghet och studiero", "Samverkan", "Ledarskap", "Språk och läsning"}
    safety = themes["Trygghet och studiero"]
    assert [group.name for group in safety.groups] == ["Lärare", "Rektorer", "Elevhälsa"]
    assert safety.factors[0].group == str(meeting.home_groups().get(name="Lärare").pk)
    assert safety.factors[0].position == 1
    assert not safety.curated
    assert not CuratedTheme.objects.exists()
    # A new factor is part of the next look, with nothing stored.
    students = meeting.home_groups().get(name="Politiker")
    group_services.add_factor(group=students, text="Studiero")
    assert len(by_label(meeting)["Trygghet och studiero"].groups) == 4


def test_rename_survives_rerun_and_new_factors(meeting: Meeting, factors: dict[str, Any]) -> None:
    key = by_label(meeting)["Trygghet och studiero"].key
    services.rename_theme(meeting=meeting, theme_key=key, label="  Trygghet   i skolan ")
    themes = by_label(meeting)
    assert "Trygghet i skolan" in themes and "Trygghet och studiero" not in themes
    group_services.add_factor(
        group=meeting.home_groups().get(name="Politiker"), text="Trygga raster"
    )
    renamed = by_label(meeting)["Trygghet i skolan"]
    assert "Trygga raster" in texts_of(renamed) and renamed.curated


def test_merge_survives_rerun(meeting: Meeting, factors: dict[str, Any]) -> None:
    themes = by_label(meeting)
    services.merge_themes(
        meeting=meeting, theme_key=themes["Ledarskap"].key, into_key=themes["Samverkan"].key
    )
    after = by_label(meeting)
    assert "Ledarskap" not in after
    assert texts_of(after["Samverkan"]) == [
        "Samarbete med vårdnadshavare",
        "Tydligt pedagogiskt ledarskap",
        "Samverkan med socialtjänsten",
        "Rektorer med mandat",
    ]
    # A later factor naming the merged concept lands in the merged theme too.
    group_services.add_factor(
        group=meeting.home_groups().get(name="Skolchefer"), text="Ledarskap nära eleverna"
    )
    assert "Ledarskap nära eleverna" in texts_of(by_label(meeting)["Samverkan"])
    assert "Ledarskap" not in by_label(meeting)


def test_split_moves_one_factor_into_a_new_theme(
    meeting: Meeting, factors: dict[str, SuccessFactor]
) -> None:
    moved = factors["Tryggare skolgårdar och raster"]
    services.split_factor(meeting=meeting, factor_id=moved.pk, label="Skolgården")
    themes = by_label(meeting)
    assert texts_of(themes["Skolgården"]) == ["Tryggare skolgårdar och raster"]
    assert len(themes["Skolgården"].groups) == 1  # an editor's theme shows even for one group
    assert "Tryggare skolgårdar och raster" not in texts_of(themes["Trygghet och studiero"])
    # Reordering the group's list keeps the factor where the editor put it (keyed by id),
    # whether it is the row that moves or the neighbour that is deleted and re-inserted.
    group_services.move_factor(group=moved.group, factor_id=moved.pk, direction="down")
    assert texts_of(by_label(meeting)["Skolgården"]) == ["Tryggare skolgårdar och raster"]
    other = factors["Samverkan med socialtjänsten"]
    group_services.move_factor(group=moved.group, factor_id=other.pk, direction="down")
    group_services.move_factor(group=moved.group, factor_id=other.pk, direction="up")
    skolgarden = by_label(meeting)["Skolgården"]
    assert texts_of(skolgarden) == ["Tryggare skolgårdar och raster"]
    assert skolgarden.factors[0].position == 2
    # Removed from the list: gone from the theme, and the pin is cleared by the next edit.
    group_services.remove_factor(group=moved.group, factor_id=moved.pk)
    assert "Skolgården" not in by_label(meeting)
    services.split_factor(meeting=meeting, factor_id=factors["Läsförståelse"].pk, label="Läsning")
    assert list(ThemeFactor.objects.values_list("factor_id", flat=True)) == [
        factors["Läsförståelse"].pk
    ]


def test_dismiss_and_restore(meeting: Meeting, factors: dict[str, Any]) -> None:
    key = by_label(meeting)["Språk och läsning"].key
    services.dismiss_theme(meeting=meeting, theme_key=key)
    assert "Språk och läsning" not in by_label(meeting)
    everything = services.all_meeting_themes(meeting)
    assert [theme.label for theme in everything.dismissed] == ["Språk och läsning"]
    services.restore_theme(meeting=meeting, theme_key=everything.dismissed[0].key)
    assert "Språk och läsning" in by_label(meeting)


def test_reset_forgets_curation(meeting: Meeting, factors: dict[str, Any]) -> None:
    key = by_label(meeting)["Språk och läsning"].key
    services.rename_theme(meeting=meeting, theme_key=key, label="Läsa")
    services.reset_themes(meeting=meeting)
    assert "Språk och läsning" in by_label(meeting) and not CuratedTheme.objects.exists()


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda m, k: services.rename_theme(meeting=m, theme_key=k, label="   "), "label_blank"),
        (
            lambda m, k: services.rename_theme(meeting=m, theme_key=k, label="x" * 121),
            "label_too_long",
        ),
        (
            lambda m, k: services.rename_theme(meeting=m, theme_key="w:finns-inte", label="A"),
            "theme_gone",
        ),
        (lambda m, k: services.rename_theme(meeting=m, theme_key="t999", label="A"), "theme_gone"),
        (lambda m, k: services.merge_themes(meeting=m, theme_key=k, into_key=k), "merge_same"),
        (lambda m, k: services.split_factor(meeting=m, factor_id=None, label="A"), "factor_gone"),
        (lambda m, k: services.dismiss_theme(meeting=m, theme_key="drop table"), "theme_gone"),
    ],
)
def test_bad_curation_is_refused_and_writes_nothing(
    meeting: Meeting, factors: dict[str, Any], call: Any, code: str
) -> None:
    key = by_label(meeting)["Samverkan"].key
    with pytest.raises(DomainError) as caught:
        call(meeting, key)
    assert caught.value.code == code
    assert not CuratedTheme.objects.exists()


def test_split_refuses_another_meetings_factor(
    meeting: Meeting, factors: dict[str, SuccessFactor], facilitator: User
) -> None:
    from meetings import services as meeting_services

    other = meeting_services.create_meeting(
        facilitator=facilitator,
        title="Annat",
        date=meeting.date,
        core_question="?",
        usual_home_groups=True,
    )
    with pytest.raises(DomainError) as caught:
        services.split_factor(meeting=other, factor_id=factors["Läsförståelse"].pk, label="A")
    assert caught.value.code == "factor_gone"


# --- Views ---------------------------------------------------------------------------------


def url(meeting: Meeting, name: str = "themes") -> str:
    return reverse(f"summary:{name}", args=[meeting.pk])


def test_page_shows_themes_and_matrix(
    client: Client, facilitator: User, meeting: Meeting, factors: dict[str, Any]
) -> None:
    client.force_login(facilitator)
    response = client.get(url(meeting))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Trygghet och studiero — 3 av 7 grupper" in html
    assert '<table class="data-table theme-matrix"' in html
    assert html.count('scope="row"') == 4  # one row per theme
    assert "nämnde inte" in html  # readable without colour or symbols
    detail = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert url(meeting) in detail


def test_page_needs_login_permission_and_facilitator(
    client: Client, facilitator: User, meeting: Meeting, db: None
) -> None:
    assert client.get(url(meeting)).status_code == 302
    stranger = User.objects.create_user("bo", password="hemligt-losen-2")
    stranger.groups.add(AuthGroup.objects.get(name=FACILITATOR_ROLE))
    client.force_login(stranger)
    assert client.get(url(meeting)).status_code == 403  # no export permission
    meeting.facilitators.add(stranger)
    assert client.get(url(meeting)).status_code == 403  # still no export permission
    editor = User.objects.create_user("cecilia", password="hemligt-losen-3")
    for role in facilitator.groups.all():
        editor.groups.add(role)
    client.force_login(editor)
    assert client.get(url(meeting)).status_code == 404  # not this meeting's facilitator
    response = client.post(url(meeting, "theme_dismiss"), {"theme": "w:x"})
    assert response.status_code == 404
    assert client.get(reverse("summary:themes", args=[99999])).status_code == 404


def test_rename_through_htmx(
    client: Client, facilitator: User, meeting: Meeting, factors: dict[str, Any]
) -> None:
    client.force_login(facilitator)
    key = by_label(meeting)["Samverkan"].key
    response = client.post(
        url(meeting, "theme_rename"), {"theme": key, "label": "Samarbete"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="themes-section"')
    assert "Samarbete — 2 av 7 grupper" in html
    assert "topp25:announce" in response["HX-Trigger"]


def test_plain_post_redirects_back(
    client: Client, facilitator: User, meeting: Meeting, factors: dict[str, Any]
) -> None:
    client.force_login(facilitator)
    key = by_label(meeting)["Samverkan"].key
    response = client.post(url(meeting, "theme_dismiss"), {"theme": key})
    assert response.status_code == 302 and response["Location"] == url(meeting)
    assert "Samverkan" not in by_label(meeting)


@pytest.mark.parametrize(
    ("name", "data", "status", "message"),
    [
        ("theme_rename", {"theme": "KEY", "label": ""}, 400, "Skriv ett namn på temat."),
        ("theme_rename", {"theme": "t12345", "label": "A"}, 404, "Temat finns inte längre"),
        (
            "theme_merge",
            {"theme": "KEY", "into": ""},
            400,
            "Välj vilket tema det ska slås ihop med.",
        ),
        ("theme_merge", {"theme": "KEY", "into": "KEY"}, 400, "Välj ett annat tema"),
        ("theme_split", {"factor": "abc", "label": "A"}, 404, "Framgångsfaktorn finns inte längre"),
        ("theme_split", {"factor": "FACTOR", "label": " "}, 400, "Skriv ett namn på temat."),
        ("theme_restore", {"theme": "nej"}, 404, "Temat finns inte längre"),
    ],
)
def test_bad_input_gets_a_swedish_4xx(
    client: Client,
    facilitator: User,
    meeting: Meeting,
    factors: dict[str, SuccessFactor],
    name: str,
    data: dict[str, str],
    status: int,
    message: str,
) -> None:
    client.force_login(facilitator)
    key = by_label(meeting)["Samverkan"].key
    filled = {
        field: value.replace("KEY", key).replace("FACTOR", str(factors["Läsförståelse"].pk))
        for field, value in data.items()
    }
    for htmx in (True, False):
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = client.post(url(meeting, name), filled, **headers)
        assert response.status_code == status
        html = response.content.decode()
        assert message in html and 'role="alert"' in html
    assert not CuratedTheme.objects.exists()
    assert client.get(url(meeting, name)).status_code == 405


def test_empty_meeting_says_so(client: Client, facilitator: User, meeting: Meeting) -> None:
    client.force_login(facilitator)
    html = client.get(url(meeting)).content.decode()
    assert "Inga teman ännu" in html


def test_themes_data_for_the_json_export(meeting: Meeting, factors: dict[str, Any]) -> None:
    keys = {group.pk: f"g{index}" for index, group in enumerate(meeting.home_groups(), start=1)}
    services.rename_theme(
        meeting=meeting, theme_key=by_label(meeting)["Samverkan"].key, label="Samarbete"
    )
    # The JSON archive writes the themes (one writer: summary/archive/serialise.py's meeting_data).
    data = meeting_data(meeting)["themes"]
    assert data[0] == {
        "label": "Trygghet och studiero",
        "factors": [
            {"group": keys[meeting.home_groups().get(name=name).pk], "position": 1}
            for name in ("Lärare", "Rektorer", "Elevhälsa")
        ],
    }
    assert "Samarbete" in [theme["label"] for theme in data]


def test_a_curated_theme_survives_the_removal_of_one_of_its_groups(
    meeting: Meeting, factors: dict[str, Any]
) -> None:
    """The exports and publishing name groups by the export's keys: a group removed after
    the editor curated leaves the theme with the factors still there, no error."""
    from meetings import services as meeting_services
    from summary import document

    key = by_label(meeting)["Trygghet och studiero"].key
    services.rename_theme(meeting=meeting, theme_key=key, label="Trygghet")
    health = meeting.home_groups().get(name="Elevhälsa")
    meeting_services.delete_group(meeting=meeting, group_id=health.pk, confirmed=True)
    exported = {
        theme.label: theme
        for theme in services.export_themes(meeting, document.export_group_keys(meeting))
    }
    keys = document.export_group_keys(meeting)
    assert [factor.group for factor in exported["Trygghet"].factors] == [
        keys[meeting.home_groups().get(name=name).pk] for name in ("Lärare", "Rektorer")
    ]
