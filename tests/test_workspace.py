"""The editor's summary workspace: the editor's version beside the record, history, conflicts."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from groups import services as group_services
from groups.models import SuccessFactor
from meetings import services as meeting_services
from meetings.errors import DomainError
from meetings.models import Group, Meeting
from meetings.roles import EDITOR_ROLE, FACILITATOR_ROLE
from summary import services
from summary.document import build_summary
from summary.models import FactorEdit, SummaryChange, SummaryDraft

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def second_editor(meeting: Meeting) -> User:
    user = User.objects.create_user("bertil", password="hemligt-losen-2")
    user.groups.add(AuthGroup.objects.get(name=EDITOR_ROLE))
    meeting.facilitators.add(user)
    return user


@pytest.fixture
def worked(meeting: Meeting, teachers: Group, principals: Group) -> Meeting:
    meeting_services.join_meeting(meeting=meeting, home_group_id=teachers.pk)
    meeting_services.join_meeting(meeting=meeting, home_group_id=teachers.pk)
    meeting_services.join_meeting(meeting=meeting, home_group_id=principals.pk)
    for text in ["Tydliga mål", "Studiero i klasrummet", "Tidiga insatser"]:
        group_services.add_factor(group=teachers, text=text)
    group_services.add_factor(group=principals, text="Nära pedagogiskt ledarskap")
    group_services.mark_agreed(group=principals, confirmed_short=True)
    return meeting


def factor(group: Group, position: int) -> SuccessFactor:
    return group.factors.get(position=position)


def url(name: str, *args: Any) -> str:
    return reverse(f"summary:{name}", args=args)


# --- Services ------------------------------------------------------------------------------


def test_editing_a_factor_keeps_the_groups_text(
    worked: Meeting, teachers: Group, facilitator: User
) -> None:
    typo = factor(teachers, 2)
    edit = services.save_factor_wording(
        meeting=worked,
        factor_id=typo.pk,
        text="Studiero i klassrummet",
        version=0,
        user=facilitator,
    )
    assert edit is not None and edit.version == 1
    typo.refresh_from_db()
    assert typo.text == "Studiero i klasrummet"  # the record is unchanged
    content = services.snapshot(worked, services.draft_for(worked))
    lärare = next(g for g in content["home_groups"] if g["name"] == "Lärare")
    assert lärare["factors"] == ["Tydliga mål", "Studiero i klassrummet", "Tidiga insatser"]
    change = SummaryChange.objects.get(kind=SummaryChange.Kind.FACTOR)
    assert (change.user, change.old_text, change.new_text) == (
        facilitator,
        "Studiero i klasrummet",
        "Studiero i klassrummet",
    )
    assert change.subject == "Lärare, faktor 2"


def test_a_run_of_autosaves_is_one_history_entry(
    worked: Meeting, teachers: Group, facilitator: User, second_editor: User
) -> None:
    for version, text in enumerate(["Ökad", "Ökad studiero", "Ökad studiero i klassrummet"]):
        services.save_text(
            meeting=worked, field="lead", text=text, version=version + 1, user=facilitator
        )
    services.save_text(
        meeting=worked, field="lead", text="Bertils ingress", version=4, user=second_editor
    )
    entries = list(SummaryChange.objects.filter(kind="lead").order_by("changed_at", "pk"))
    assert [(e.user, e.old_text, e.new_text) for e in entries] == [
        (facilitator, "", "Ökad studiero i klassrummet"),
        (second_editor, "Ökad studiero i klassrummet", "Bertils ingress"),
    ]


def test_two_editors_on_one_text_conflict_and_nothing_is_lost(
    worked: Meeting, facilitator: User, second_editor: User
) -> None:
    services.save_text(meeting=worked, field="lead", text="Annas text", version=1, user=facilitator)
    with pytest.raises(services.EditConflict) as raised:
        services.save_text(
            meeting=worked, field="lead", text="Bertils text", version=1, user=second_editor
        )
    conflict = raised.value
    assert conflict.status == 409 and conflict.code == "stale"
    assert "Någon annan har just ändrat den här texten" in str(conflict)
    assert (conflict.current_text, conflict.current_version, conflict.by) == (
        "Annas text",
        2,
        "anna",
    )
    assert SummaryDraft.objects.get(meeting=worked).lead == "Annas text"
    # Bertil chooses to keep his: saved on top of the version he was shown, both in history.
    services.save_text(
        meeting=worked, field="lead", text="Bertils text", version=2, user=second_editor
    )
    history = [(c.old_text, c.new_text) for c in SummaryChange.objects.order_by("changed_at")]
    assert history == [("", "Annas text"), ("Annas text", "Bertils text")]


def test_factor_conflict_and_reset(
    worked: Meeting, teachers: Group, facilitator: User, second_editor: User
) -> None:
    first = factor(teachers, 1)
    services.save_factor_wording(
        meeting=worked, factor_id=first.pk, text="Tydliga mål för alla", version=0, user=facilitator
    )
    with pytest.raises(services.EditConflict):
        services.save_factor_wording(
            meeting=worked, factor_id=first.pk, text="Tydliga mål!", version=0, user=second_editor
        )
    edit = services.save_factor_wording(
        meeting=worked, factor_id=first.pk, text="", version=1, user=facilitator, reset=True
    )
    assert edit is not None and edit.text == "Tydliga mål" and edit.version == 2
    assert FactorEdit.objects.get().text == "Tydliga mål"


def test_same_text_twice_is_not_a_conflict(worked: Meeting, facilitator: User) -> None:
    services.save_text(meeting=worked, field="closing", text="Vi ses", version=1, user=facilitator)
    # A resent autosave with the old version but the same text: already so.
    draft = services.save_text(
        meeting=worked, field="closing", text="Vi ses", version=1, user=facilitator
    )
    assert draft.closing_version == 2


def test_bad_factor_wording_is_refused(worked: Meeting, teachers: Group, facilitator: User) -> None:
    with pytest.raises(DomainError) as blank:
        services.save_factor_wording(
            meeting=worked, factor_id=factor(teachers, 1).pk, text="  ", version=0, user=facilitator
        )
    assert blank.value.code == "blank"
    with pytest.raises(DomainError) as long:
        services.save_factor_wording(
            meeting=worked, factor_id=factor(teachers, 1).pk, text="x" * 201, version=0, user=None
        )
    assert long.value.code == "too_long"
    assert not FactorEdit.objects.exists()


def test_factor_of_another_meeting_is_not_found(
    worked: Meeting, facilitator: User, teachers: Group
) -> None:
    other = meeting_services.create_meeting(
        facilitator=facilitator,
        title="Annat",
        date=worked.date,
        core_question="?",
        usual_home_groups=True,
    )
    with pytest.raises(DomainError) as raised:
        services.save_factor_wording(
            meeting=other, factor_id=factor(teachers, 1).pk, text="x", version=0, user=facilitator
        )
    assert raised.value.status == 404


def test_group_order(
    worked: Meeting, teachers: Group, principals: Group, facilitator: User
) -> None:
    services.move_group(
        meeting=worked, group_id=principals.pk, direction="up", version=1, user=facilitator
    )
    content = services.snapshot(worked, services.draft_for(worked))
    names = [g["name"] for g in content["home_groups"]]
    assert names[:3] == ["Lärare", "Rektorer", "Förskollärare"]
    with pytest.raises(DomainError) as stale:
        services.move_group(
            meeting=worked, group_id=principals.pk, direction="up", version=1, user=facilitator
        )
    assert stale.value.status == 409
    with pytest.raises(DomainError) as first:
        services.move_group(
            meeting=worked, group_id=teachers.pk, direction="up", version=2, user=facilitator
        )
    assert str(first.value) == "Gruppen står redan först."
    change = SummaryChange.objects.get(kind="order")
    assert change.new_text.startswith("Lärare, Rektorer, Förskollärare")


def test_expert_groups_are_listed_when_there_are_any(worked: Meeting) -> None:
    assert build_summary(worked).for_public()["expert_groups"] == []
    expert = Group.objects.create(meeting=worked, kind=Group.Kind.EXPERT, name="Bord 1")
    group_services.add_factor(group=expert, text="Samverkan skola–socialtjänst")
    content = build_summary(worked).for_public()
    assert content["expert_groups"][0]["name"] == "Bord 1"
    assert content["expert_groups"][0]["factors"] == ["Samverkan skola–socialtjänst"]


# --- Views ---------------------------------------------------------------------------------


def test_workspace_shows_the_meeting(editor_client: Client, worked: Meeting) -> None:
    response = editor_client.get(url("workspace", worked.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Vad höjer elevernas resultat?",
        "Stadshuset",
        "Studiero i klasrummet",
        "Nära pedagogiskt ledarskap",
        "3 av 5",
        "1 av 5",
        "✓ Klar",
        "Deltagare per hemgrupp",
    ]:
        assert text in html
    assert "Expertgrupper" not in html  # no expert groups, no empty section
    detail = editor_client.get(reverse("meetings:detail", args=[worked.pk])).content.decode()
    assert url("workspace", worked.pk) in detail


def test_workspace_needs_the_permission_and_the_meeting(
    client: Client, worked: Meeting, facilitator: User
) -> None:
    assert client.get(url("workspace", worked.pk)).status_code == 302  # to the login page
    plain = User.objects.create_user("cecilia", password="x")
    plain.groups.add(AuthGroup.objects.get(name=FACILITATOR_ROLE))
    worked.facilitators.add(plain)
    client.force_login(plain)
    assert client.get(url("workspace", worked.pk)).status_code == 403  # not an editor
    outsider = User.objects.create_user("david", password="x")
    outsider.groups.add(AuthGroup.objects.get(name=EDITOR_ROLE))
    client.force_login(outsider)
    response = client.get(url("workspace", worked.pk))
    assert response.status_code == 404  # an editor, but not of this meeting
    assert (
        "Det finns inget sådant möte, eller så är du inte samtalsledare för det."
        in response.content.decode()
    )
    response = client.post(url("publish", worked.pk))
    assert response.status_code == 404
    assert not SummaryDraft.objects.filter(public_token__isnull=False).exists()


def test_autosave_answers_with_the_status_line(
    editor_client: Client, worked: Meeting, teachers: Group
) -> None:
    typo = factor(teachers, 2)
    response = editor_client.post(
        url("save_factor", worked.pk, typo.pk),
        {"text": "Studiero i klassrummet", "version": "0"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="factor-{typo.pk}-status"' in html and "Redigerad" in html
    assert 'name="version" value="1"' in html
    assert FactorEdit.objects.get().text == "Studiero i klassrummet"
    # The history, out of band, already lists the change.
    history = html[html.index('id="history"') :]
    assert 'data-hx-swap-oob="true"' in history and "Studiero i klassrummet" in history


def test_plain_submit_without_javascript(
    editor_client: Client, worked: Meeting, teachers: Group
) -> None:
    response = editor_client.post(
        url("save_text", worked.pk, "lead"), {"text": "En eftermiddag om skolan.", "version": "1"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#lead")
    assert SummaryDraft.objects.get().lead == "En eftermiddag om skolan."
    page = editor_client.get(url("workspace", worked.pk)).content.decode()
    assert "En eftermiddag om skolan." in page and "anna" in page  # the history shows who


def test_conflict_over_http_keeps_both_texts(
    editor_client: Client, worked: Meeting, second_editor: User
) -> None:
    services.save_text(
        meeting=worked, field="lead", text="Bertils text", version=1, user=second_editor
    )
    response = editor_client.post(
        url("save_text", worked.pk, "lead"), {"text": "Annas text", "version": "1"}, **HTMX
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Någon annan har just ändrat den här texten" in html
    assert "Bertils text" in html and "bertil" in html
    assert 'name="overwrite_version" value="2"' in html
    assert 'name="version" value="1"' in html  # the next autosave is refused again
    assert "topp25:announce" in response["HX-Trigger"]
    assert SummaryDraft.objects.get().lead == "Bertils text"
    # Without htmx: the whole page, 409, the editor's own text still in the box.
    page = editor_client.post(
        url("save_text", worked.pk, "lead"), {"text": "Annas text", "version": "1"}
    )
    assert page.status_code == 409
    assert "Annas text</textarea>" in page.content.decode()
    # "Spara min text ändå": saved over the version shown.
    response = editor_client.post(
        url("save_text", worked.pk, "lead"),
        {"text": "Annas text", "version": "1", "overwrite_version": "2"},
        **HTMX,
    )
    assert response.status_code == 200
    assert SummaryDraft.objects.get().lead == "Annas text"


def test_take_theirs_replaces_the_field(
    editor_client: Client, worked: Meeting, second_editor: User
) -> None:
    services.save_text(
        meeting=worked, field="lead", text="Bertils text", version=1, user=second_editor
    )
    response = editor_client.post(
        url("save_text", worked.pk, "lead"),
        {"text": "Annas text", "version": "1", "take_theirs": "1"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#lead-form"
    html = response.content.decode()
    assert "Bertils text</textarea>" in html and 'name="version" value="2"' in html
    assert SummaryDraft.objects.get().lead == "Bertils text"


def test_bad_input_is_a_swedish_4xx(
    editor_client: Client, worked: Meeting, teachers: Group
) -> None:
    response = editor_client.post(
        url("save_factor", worked.pk, factor(teachers, 1).pk), {"text": " ", "version": "0"}, **HTMX
    )
    assert response.status_code == 400
    assert "Skriv en framgångsfaktor innan du sparar." in response.content.decode()
    response = editor_client.post(
        url("save_text", worked.pk, "lead"), {"text": "x" * 5001, "version": "1"}
    )
    assert response.status_code == 400
    assert "Texten får vara högst 5000 tecken" in response.content.decode()
    assert (
        editor_client.post(url("save_text", worked.pk, "title"), {"text": "x"}).status_code == 404
    )
    response = editor_client.post(
        url("save_factor", worked.pk, 999999), {"text": "x", "version": "0"}
    )
    assert response.status_code == 404
    assert "Framgångsfaktorn finns inte längre" in response.content.decode()
    response = editor_client.post(
        url("move_group", worked.pk, teachers.pk), {"direction": "sideways", "version": "1"}
    )
    assert response.status_code == 400
    assert "Välj om gruppen ska flyttas upp eller ner." in response.content.decode()
    assert editor_client.get(url("save_text", worked.pk, "lead")).status_code == 405
    no_version = editor_client.post(url("save_text", worked.pk, "lead"), {"text": "x"}, **HTMX)
    assert no_version.status_code == 400
    assert "Sidan är för gammal" in no_version.content.decode()
    assert SummaryDraft.objects.get().lead == ""


def test_move_group_over_http(editor_client: Client, worked: Meeting, principals: Group) -> None:
    response = editor_client.post(
        url("move_group", worked.pk, principals.pk), {"direction": "up", "version": "1"}
    )
    assert response.status_code == 302
    html = editor_client.get(url("workspace", worked.pk)).content.decode()
    assert html.index("Rektorer</h3>") < html.index("Förskollärare</h3>")
    stale = editor_client.post(
        url("move_group", worked.pk, principals.pk), {"direction": "up", "version": "1"}
    )
    assert stale.status_code == 409
    assert "Någon annan har just ändrat gruppernas ordning" in stale.content.decode()


def test_factor_error_without_javascript_keeps_the_typed_text(
    editor_client: Client, worked: Meeting, teachers: Group
) -> None:
    first = factor(teachers, 1)
    response = editor_client.post(
        url("save_factor", worked.pk, first.pk), {"text": "x" * 201, "version": "0"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Framgångsfaktorn får vara högst 200 tecken" in html
    assert "x" * 201 + "</textarea>" in html  # nothing typed is lost
    assert 'aria-invalid="true"' in html
    assert not FactorEdit.objects.exists()
