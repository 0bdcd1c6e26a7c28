"""The public summary page: publish, what it shows, revoke → 404, republish."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from groups import services as group_services
from meetings.errors import DomainError
from meetings.models import Group, Meeting
from summary import services
from summary.models import SummaryChange, SummaryDraft


@pytest.fixture
def edited(meeting: Meeting, teachers: Group, principals: Group, facilitator: User) -> Meeting:
    for text in ["Tydliga mål", "Studiero i klasrummet"]:
        group_services.add_factor(group=teachers, text=text)
    group_services.add_factor(group=principals, text="Nära ledarskap")
    group_services.mark_agreed(group=principals, confirmed_short=True)
    typo = teachers.factors.get(position=2)
    services.save_factor_wording(
        meeting=meeting,
        factor_id=typo.pk,
        text="Studiero i klassrummet",
        version=0,
        user=facilitator,
    )
    services.save_text(
        meeting=meeting,
        field="lead",
        text="Hundra lärare och politiker.",
        version=1,
        user=facilitator,
    )
    services.save_text(
        meeting=meeting, field="closing", text="Vi ses igen i vår.", version=1, user=facilitator
    )
    for version in (1, 2):
        services.move_group(
            meeting=meeting,
            group_id=principals.pk,
            direction="up",
            version=version,
            user=facilitator,
        )
    return meeting


def public_path(meeting: Meeting) -> str:
    token = SummaryDraft.objects.get(meeting=meeting).public_token
    assert token is not None
    return reverse("summary:public", args=[token])


def test_publish_shows_only_the_editors_version(
    editor_client: Client, client: Client, edited: Meeting
) -> None:
    response = editor_client.post(reverse("summary:publish", args=[edited.pk]))
    assert response.status_code == 302
    draft = SummaryDraft.objects.get(meeting=edited)
    assert draft.public_token is not None and len(draft.public_token) >= 40
    editor_client.logout()
    page = client.get(public_path(edited))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Studiero i klassrummet" in html and "klasrummet" not in html
    assert "Hundra lärare och politiker." in html and "Vi ses igen i vår." in html
    assert html.index("Rektorer") < html.index("Lärare")  # the editor's order
    assert "Förskollärare" not in html  # a group that wrote nothing is left out
    assert "Vad höjer elevernas resultat?" in html and "23 november 2026" in html
    assert "2 av 5" in html and "Klar" in html
    assert edited.join_code not in html and edited.room_token not in html
    cache = page["Cache-Control"]
    assert "no-store" in cache and "private" in cache and "public" not in cache
    assert page["X-Robots-Tag"] == "noindex"


def test_later_edits_wait_for_publishing_again(
    editor_client: Client, client: Client, edited: Meeting, facilitator: User
) -> None:
    editor_client.post(reverse("summary:publish", args=[edited.pk]))
    path = public_path(edited)
    services.save_text(meeting=edited, field="lead", text="Ny ingress", version=2, user=facilitator)
    assert "Ny ingress" not in client.get(path).content.decode()
    workspace = editor_client.get(reverse("summary:workspace", args=[edited.pk])).content.decode()
    assert "ändringar som inte är publicerade" in workspace
    editor_client.post(reverse("summary:publish", args=[edited.pk]))
    assert public_path(edited) == path  # an update keeps the address
    assert "Ny ingress" in client.get(path).content.decode()


def test_revoke_then_404_then_republish_at_a_new_address(
    editor_client: Client, client: Client, edited: Meeting
) -> None:
    editor_client.post(reverse("summary:publish", args=[edited.pk]))
    old_path = public_path(edited)
    assert client.get(old_path).status_code == 200
    response = editor_client.post(reverse("summary:revoke", args=[edited.pk]))
    assert response.status_code == 302
    gone = client.get(old_path)
    assert gone.status_code == 404
    assert "finns inte" in gone.content.decode()
    assert SummaryDraft.objects.get(meeting=edited).published_content is None
    editor_client.post(reverse("summary:publish", args=[edited.pk]))
    new_path = public_path(edited)
    assert new_path != old_path
    assert client.get(old_path).status_code == 404
    assert client.get(new_path).status_code == 200
    kinds = list(
        SummaryChange.objects.filter(kind__in=["publish", "revoke"]).values_list("kind", flat=True)
    )
    assert kinds == ["publish", "revoke", "publish"]  # newest first


def test_unknown_token_and_revoking_twice(
    editor_client: Client, client: Client, edited: Meeting
) -> None:
    assert client.get(reverse("summary:public", args=["x" * 43])).status_code == 404
    response = editor_client.post(reverse("summary:revoke", args=[edited.pk]))
    assert response.status_code == 409
    assert "Sammanfattningen är inte publicerad." in response.content.decode()


def test_nothing_to_publish(meeting: Meeting, facilitator: User) -> None:
    with pytest.raises(DomainError) as raised:
        services.publish(meeting=meeting, user=facilitator)
    assert raised.value.status == 409
    assert not SummaryDraft.objects.filter(public_token__isnull=False).exists()


def test_preview_is_for_editors(editor_client: Client, client: Client, edited: Meeting) -> None:
    preview = editor_client.get(reverse("summary:preview", args=[edited.pk]))
    assert preview.status_code == 200
    assert "Förhandsgranskning" in preview.content.decode()
    assert "Studiero i klassrummet" in preview.content.decode()
    editor_client.logout()
    assert client.get(reverse("summary:preview", args=[edited.pk])).status_code == 302
