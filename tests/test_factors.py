"""The group page: add, edit, reorder, remove, agree — and every kind of bad input."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from groups.models import SuccessFactor
from meetings.models import Group
from tests.support.fixtures import HX

from .conftest import texts


def add_url(group: Group) -> str:
    return reverse("groups:add", args=[group.meeting.join_code, group.pk])


def factor_url(name: str, factor: SuccessFactor) -> str:
    return reverse(name, args=[factor.group.meeting.join_code, factor.group_id, factor.pk])


def agree_url(group: Group) -> str:
    return reverse("groups:agree", args=[group.meeting.join_code, group.pk])


def test_group_page_shows_question_and_list(
    client: Client, teachers: Group, join_as, add_factors
) -> None:
    join_as(teachers)
    add_factors(teachers, 2)
    response = client.get(reverse("groups:page", args=[teachers.meeting.join_code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vad höjer elevernas resultat?" in html
    assert "Faktor 1" in html and "Faktor 2" in html
    assert 'for="factor-text"' in html
    assert f'data-ws-connect="/ws/m/{teachers.meeting.join_code}/groups/{teachers.pk}/"' in html


def test_add_factor_with_htmx_returns_list_and_fresh_form(
    client: Client, teachers: Group, join_as
) -> None:
    participant = join_as(teachers)
    response = client.post(add_url(teachers), {"text": "  Tid för\nkollegialt lärande "}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="group-state"' in html and "Tid för kollegialt lärande" in html
    assert 'id="factor-form"' in html and 'data-hx-swap-oob="true"' in html
    factor = teachers.factors.get()
    assert (factor.position, factor.text, factor.author) == (
        1,
        "Tid för kollegialt lärande",
        participant,
    )


def test_add_factor_without_htmx_redirects(client: Client, teachers: Group, join_as) -> None:
    join_as(teachers)
    response = client.post(add_url(teachers), {"text": "Tydliga mål"})
    assert response.status_code == 302
    assert texts(teachers) == ["Tydliga mål"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Skriv en framgångsfaktor"),
        ("   \n ", "Skriv en framgångsfaktor"),
        ("x" * 201, "högst 200 tecken"),
    ],
)
def test_bad_text_is_refused_and_kept(
    client: Client, teachers: Group, join_as, text: str, message: str
) -> None:
    join_as(teachers)
    response = client.post(add_url(teachers), {"text": text}, **HX)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert response["HX-Retarget"] == "#factor-form"
    if text.strip():
        assert text in html  # what was typed is still in the form
    assert teachers.factors.count() == 0


def test_exactly_200_characters_is_accepted(client: Client, teachers: Group, join_as) -> None:
    join_as(teachers)
    assert client.post(add_url(teachers), {"text": "å" * 200}, **HX).status_code == 200
    assert texts(teachers) == ["å" * 200]


def test_sixth_factor_is_refused(client: Client, teachers: Group, join_as, add_factors) -> None:
    join_as(teachers)
    add_factors(teachers, 5)
    response = client.post(add_url(teachers), {"text": "En sjätte"}, **HX)
    assert response.status_code == 409
    assert "Listan har redan 5 framgångsfaktorer" in response.content.decode()
    assert "En sjätte" in response.content.decode()
    assert teachers.factors.count() == 5


def test_double_submitted_form_makes_one_factor(client: Client, teachers: Group, join_as) -> None:
    join_as(teachers)
    token = str(uuid.uuid4())
    first = client.post(add_url(teachers), {"text": "Läsning", "client_token": token}, **HX)
    second = client.post(add_url(teachers), {"text": "Läsning", "client_token": token}, **HX)
    assert first.status_code == second.status_code == 200
    assert texts(teachers) == ["Läsning"]


def test_posting_to_another_group_is_forbidden(
    client: Client, teachers: Group, principals: Group, join_as
) -> None:
    join_as(teachers)
    response = client.post(add_url(principals), {"text": "Smygfaktor"}, **HX)
    assert response.status_code == 403
    assert "Du kan bara ändra din egen grupps lista." in response.content.decode()
    assert principals.factors.count() == 0 and teachers.factors.count() == 0


def test_editing_another_groups_factor_is_forbidden(
    client: Client, teachers: Group, principals: Group, join_as, add_factors
) -> None:
    join_as(teachers)
    [other] = add_factors(principals, 1)
    # The forged URL names the principals' group; the same factor id under our own group
    # does not exist there either.
    forged = client.post(factor_url("groups:edit", other), {"text": "Kapat"}, **HX)
    assert forged.status_code == 403
    own_url = reverse("groups:edit", args=[teachers.meeting.join_code, teachers.pk, other.pk])
    assert client.post(own_url, {"text": "Kapat"}, **HX).status_code == 404
    other.refresh_from_db()
    assert other.text == "Faktor 1"


def test_not_joined_phone_cannot_post(client: Client, teachers: Group) -> None:
    response = client.post(add_url(teachers), {"text": "Hej"})
    assert response.status_code == 403
    # From the page (htmx): to the group picker as a whole page, not a page inside the list.
    response = client.post(add_url(teachers), {"text": "Hej"}, **HX)
    assert response["HX-Redirect"] == reverse("meetings:join", args=[teachers.meeting.join_code])
    assert teachers.factors.count() == 0


def test_edit_factor(client: Client, teachers: Group, join_as, add_factors) -> None:
    join_as(teachers)
    [factor] = add_factors(teachers, 1)
    form = client.get(factor_url("groups:edit", factor), **HX)
    assert form.status_code == 200 and "Ändra framgångsfaktor 1" in form.content.decode()
    response = client.post(
        factor_url("groups:edit", factor), {"text": "Bättre", "version": factor.version}, **HX
    )
    assert response.status_code == 200
    assert texts(teachers) == ["Bättre"]


def test_edit_of_a_stale_copy_is_refused(
    client: Client, teachers: Group, join_as, add_factors
) -> None:
    join_as(teachers)
    [factor] = add_factors(teachers, 1)
    client.post(
        factor_url("groups:edit", factor), {"text": "Först", "version": factor.version}, **HX
    )
    response = client.post(
        factor_url("groups:edit", factor), {"text": "Sen", "version": factor.version}, **HX
    )
    assert response.status_code == 409
    assert "just ändrat" in response.content.decode()
    assert texts(teachers) == ["Först"]


def test_editing_a_factor_that_no_longer_exists(
    client: Client, teachers: Group, join_as, add_factors
) -> None:
    join_as(teachers)
    [factor] = add_factors(teachers, 1)
    url = factor_url("groups:edit", factor)
    remove_url = factor_url("groups:remove", factor)
    factor.delete()
    response = client.post(url, {"text": "Ny text"}, **HX)
    assert response.status_code == 404
    assert "finns inte längre" in response.content.decode()
    assert teachers.factors.count() == 0
    assert client.post(remove_url, **HX).status_code == 404


def test_move_up_and_down_keeps_positions_unique(
    client: Client, teachers: Group, join_as, add_factors
) -> None:
    join_as(teachers)
    first, second, third = add_factors(teachers, 3)
    before = {
        factor.pk: (factor.text, factor.version, factor.client_token, factor.created_at)
        for factor in SuccessFactor.objects.filter(group=teachers)
    }
    assert (
        client.post(factor_url("groups:move", third), {"direction": "up"}, **HX).status_code == 200
    )
    assert texts(teachers) == ["Faktor 1", "Faktor 3", "Faktor 2"]
    assert (
        client.post(factor_url("groups:move", first), {"direction": "down"}, **HX).status_code
        == 200
    )
    assert texts(teachers) == ["Faktor 3", "Faktor 1", "Faktor 2"]
    # Every factor keeps its identity (votes and themes point at it): the same rows, with
    # their text, version, form token and creation time, only at new positions.
    after = SuccessFactor.objects.filter(group=teachers).order_by("position")
    assert [factor.pk for factor in after] == [third.pk, first.pk, second.pk]
    assert {
        factor.pk: (factor.text, factor.version, factor.client_token, factor.created_at)
        for factor in after
    } == before
    assert not SuccessFactor.objects.filter(position=0).exists()  # the swap's parking place
    refused = client.post(factor_url("groups:move", third), {"direction": "up"}, **HX)
    assert refused.status_code == 409 and "redan först" in refused.content.decode()
    bogus = client.post(factor_url("groups:move", third), {"direction": "sideways"}, **HX)
    assert bogus.status_code == 400


def test_remove_closes_the_gap(client: Client, teachers: Group, join_as, add_factors) -> None:
    join_as(teachers)
    factors = add_factors(teachers, 4)
    assert client.post(factor_url("groups:remove", factors[1]), **HX).status_code == 200
    assert list(teachers.factors.order_by("position").values_list("position", "text")) == [
        (1, "Faktor 1"),
        (2, "Faktor 3"),
        (3, "Faktor 4"),
    ]


def test_mark_agreed_locks_the_list_for_everyone(
    client: Client, teachers: Group, join_as, add_factors
) -> None:
    join_as(teachers)
    factors = add_factors(teachers, 5)
    assert client.post(agree_url(teachers), **HX).status_code == 200
    teachers.refresh_from_db()
    assert teachers.is_agreed

    other_phone = Client()
    join_as(teachers, as_client=other_phone)
    for response in (
        other_phone.post(add_url(teachers), {"text": "Till"}, **HX),
        other_phone.post(factor_url("groups:edit", factors[0]), {"text": "Ändrad"}, **HX),
        other_phone.post(factor_url("groups:move", factors[1]), {"direction": "up"}, **HX),
        other_phone.post(factor_url("groups:remove", factors[2]), **HX),
    ):
        assert response.status_code == 409
        assert "Listan är redan klar — be samtalsledaren låsa upp den." in response.content.decode()
    assert texts(teachers) == [f"Faktor {n}" for n in range(1, 6)]
    page = other_phone.get(reverse("groups:page", args=[teachers.meeting.join_code]))
    assert "data-locked" in page.content.decode()


def test_short_list_needs_confirmation(
    client: Client, teachers: Group, join_as, add_factors
) -> None:
    join_as(teachers)
    add_factors(teachers, 4)
    asked = client.post(agree_url(teachers), **HX)
    assert asked.status_code == 200
    assert "Ni har 4 av 5 framgångsfaktorer" in asked.content.decode()
    teachers.refresh_from_db()
    assert not teachers.is_agreed
    assert client.post(agree_url(teachers), {"confirm": "1"}, **HX).status_code == 200
    teachers.refresh_from_db()
    assert teachers.is_agreed


def test_empty_list_cannot_be_agreed(client: Client, teachers: Group, join_as) -> None:
    join_as(teachers)
    response = client.post(agree_url(teachers), {"confirm": "1"}, **HX)
    assert response.status_code == 409
    teachers.refresh_from_db()
    assert not teachers.is_agreed


def test_get_is_not_allowed_on_actions(client: Client, teachers: Group, join_as) -> None:
    join_as(teachers)
    assert client.get(add_url(teachers)).status_code == 405


def test_reordering_does_not_make_an_open_edit_form_stale(
    client: Client, teachers: Group, join_as, add_factors
) -> None:
    join_as(teachers)
    first, second = add_factors(teachers, 2)
    client.post(factor_url("groups:move", second), {"direction": "up", "position": 2}, **HX)
    response = client.post(
        factor_url("groups:edit", first), {"text": "Ny text", "version": first.version}, **HX
    )
    assert response.status_code == 200
    assert texts(teachers) == ["Faktor 2", "Ny text"]


def test_two_phones_pressing_the_same_arrow_move_it_once(
    client: Client, teachers: Group, join_as, add_factors
) -> None:
    join_as(teachers)
    factors = add_factors(teachers, 3)
    seen_at = {"direction": "down", "position": 1}
    assert client.post(factor_url("groups:move", factors[0]), seen_at, **HX).status_code == 200
    again = client.post(factor_url("groups:move", factors[0]), seen_at, **HX)
    assert again.status_code == 409
    assert "ändrat ordningen" in again.content.decode()
    assert texts(teachers) == ["Faktor 2", "Faktor 1", "Faktor 3"]


def test_resending_the_same_edit_is_fine(
    client: Client, teachers: Group, join_as, add_factors
) -> None:
    join_as(teachers)
    [factor] = add_factors(teachers, 1)
    form = {"text": "Bättre", "version": factor.version}
    assert client.post(factor_url("groups:edit", factor), form, **HX).status_code == 200
    assert client.post(factor_url("groups:edit", factor), form, **HX).status_code == 200
    assert texts(teachers) == ["Bättre"]


def test_edit_form_is_refused_on_a_locked_list(
    client: Client, teachers: Group, join_as, add_factors
) -> None:
    join_as(teachers)
    [factor] = add_factors(teachers, 1)
    client.post(agree_url(teachers), {"confirm": "1"}, **HX)
    response = client.get(factor_url("groups:edit", factor), **HX)
    assert response.status_code == 409
    assert "Listan är redan klar" in response.content.decode()


def test_changes_are_announced_to_screen_readers(client: Client, teachers: Group, join_as) -> None:
    import json

    join_as(teachers)
    response = client.post(add_url(teachers), {"text": "Studiero"}, **HX)
    event = json.loads(response["HX-Trigger"])["topp25:announce"]
    assert event == {"message": "Framgångsfaktor 1 är tillagd.", "target": "#announcer"}


def test_every_change_gets_a_new_revision(
    client: Client, teachers: Group, join_as, add_factors
) -> None:
    join_as(teachers)
    add_factors(teachers, 2)
    teachers.refresh_from_db()
    before = teachers.revision
    client.post(agree_url(teachers), {"confirm": "1"}, **HX)
    teachers.refresh_from_db()
    assert teachers.revision == before + 1
    html = client.get(reverse("groups:page", args=[teachers.meeting.join_code])).content.decode()
    assert f'data-revision="{teachers.revision}"' in html
