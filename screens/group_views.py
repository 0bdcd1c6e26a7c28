"""The participant's phone: their home group's list of success factors."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from groups import reflection, services
from groups.models import Idea, SuccessFactor
from groups.pool_state import my_pool, pool_view
from meetings import actions, changes
from meetings.access import Role, meeting_for_facilitator, role
from meetings.errors import (
    DomainError,
    Forbidden,
    Locked,
    NeedsConfirmation,
    NotFound,
    NotYourGroup,
)
from meetings.models import Group, Meeting, Participant
from meetings.participation import parse_uuid, participant_by_code

from . import broadcast
from .meeting_views import console_answer, joinable, message_answer

TEMPLATE = "screens/group.html"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _membership(request: HtmxHttpRequest, code: str) -> tuple[Meeting, Participant | None]:
    """This session's participant, else what the join page would say: an open meeting (and
    no participant), or the one refusal for a wrong code and a closed meeting (404, counted
    as a failed join), or 429 once this client or code is throttled. So no URL with a join
    code tells a guesser more than the join page does."""
    participant = participant_by_code(request.session, code)
    if participant is not None:
        return participant.meeting, participant
    return joinable(request, code)[0], None


# What `_membership` raises for a session that is not in the meeting: already counted.
REFUSED = frozenset({"code_blank", "code_unknown", "join_throttled"})


def _phase_meeting(meeting: Meeting) -> Meeting:
    """The meeting with its current phase, read for the page's phase panel."""
    return Meeting.objects.select_related("current_phase").get(pk=meeting.pk)


def _not_joined() -> DomainError:
    return Forbidden("not_joined", _("Gå med i mötet och välj din grupp först."))


def _own_group(
    request: HtmxHttpRequest, code: str, group_id: int
) -> tuple[Meeting, Participant, Group]:
    meeting, participant = _membership(request, code)
    if participant is None:
        raise _not_joined()
    return meeting, participant, _group_of(participant, group_id)


def _group_of(participant: Participant, group_id: int) -> Group:
    """The participant's home group, or their published expert group (its list has the same
    tools); any other group is not theirs."""
    if participant.home_group_id == group_id:
        return participant.home_group
    if participant.expert_group_id is not None and participant.expert_group_id == group_id:
        expert_group = participant.expert_group
        assert expert_group is not None
        return expert_group
    raise NotYourGroup("not_your_group", _("Du kan bara ändra din egen grupps lista."))


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def _loaded(group: Group, rendered: broadcast.RenderedGroup | None = None) -> Group:
    """The group with its factors and meeting's phase, as committed: as this write's
    broadcast read it when given, else read."""
    if rendered is not None:
        return rendered.group
    return Group.objects.with_factors().select_related("meeting__current_phase").get(pk=group.pk)


def _context(
    meeting: Meeting,
    participant: Participant,
    group: Group,
    rendered: broadcast.RenderedGroup | None = None,
    /,
    **extra: Any,
) -> dict[str, Any]:
    return _phone_context(meeting, participant, group, rendered, own_pool=True, extra=extra)


def _phone_context(
    meeting: Meeting,
    participant: Participant,
    group: Group,
    rendered: broadcast.RenderedGroup | None,
    *,
    own_pool: bool,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """The phone's context; `own_pool`: with this member's own part of the pool (an answer
    that does not show the pool leaves it out, and the pool is then not read)."""
    group = _loaded(group, rendered)
    context: dict[str, Any] = {
        "meeting": meeting,
        "participant": participant,
        "group": group,
        "form_action": reverse("groups:add", args=[meeting.join_code, group.pk]),
        "client_token": uuid.uuid4(),
        "text": "",
        "idea_action": reverse("groups:idea_add", args=[meeting.join_code, group.pk]),
        "idea_token": uuid.uuid4(),
        "idea_text": "",
    }
    if own_pool:
        context.update(_my_pool(group, participant))
    context.update(extra)
    return context


def _my_pool(group: Group, participant: Participant) -> dict[str, Any]:
    """This member's own part of the pool, for their HTTP answers only: the broadcast is
    rendered once for the whole group and never says whose ideas or dots are whose. While
    the pool is private this lists their own ideas; always it gives the ids of their ideas
    and dots, which the page's script marks in the shared list."""
    pool = getattr(group, "_pool_view", None) or pool_view(group)
    group._pool_view = pool  # type: ignore[attr-defined]  # the template tag reuses it
    ideas, dots = my_pool(group, participant.pk, pool)
    return {
        "my_ideas": ideas,
        "my_idea_ids": ",".join(str(idea.pk) for idea in ideas),
        "my_dots": ",".join(f"{idea_id}:{count}" for idea_id, count in sorted(dots.items())),
        "my_pool_listed": pool.shown and pool.hidden,
    }


_announce = actions.announce


def _updated(
    request: HtmxHttpRequest,
    meeting: Meeting,
    participant: Participant,
    group: Group,
    announcement: str | Promise,
    *,
    fresh_form: bool = True,
    fresh_idea_form: bool = False,
) -> HttpResponse:
    """After a successful change: the new list (into #group-live) and, when the factor form
    sent it, a fresh empty form out of band. Buttons inside the list never carry the form:
    a broadcast may already have replaced them, and htmx looks for out-of-band targets in
    the requesting element's own tree."""
    if not request.htmx:
        return redirect("groups:page", code=meeting.join_code)
    # The list as this write's broadcast just rendered it, found by its revision: rendered
    # once for every phone of the group, this answer included.
    rendered = broadcast.rendered_group(group.pk)
    shared = rendered.phone.get(get_language()) if rendered is not None else None
    if rendered is not None and shared is not None:
        # What the group's phones were just sent (the same partials; their forms carry no
        # CSRF field, htmx sends the token as a header): the list, the pool or both, only what
        # the change altered. This member's own part of the pool comes with the pool; the
        # list, which this answer replaces (#group-live), is rendered here when not sent; the
        # pool and #my-pool, kept outside #group-live, stay as they are when not sent.
        with_pool = changes.Part.POOL in rendered.parts
        context = _phone_context(
            meeting, participant, group, rendered, own_pool=with_pool, extra={}
        )
        html = b""
        if with_pool:
            html += render(request, f"{TEMPLATE}#my_pool", context).content
        if changes.Part.LIST not in rendered.parts:
            # As a broadcast renders it: without a request, so its forms carry no CSRF field.
            html += render_to_string(f"{TEMPLATE}#list_state", context).encode()
        html += shared.encode()
        html += render(request, f"{TEMPLATE}#flash", context).content
    else:
        context = _context(meeting, participant, group, rendered)
        html = render(request, f"{TEMPLATE}#group_live", context).content
    if fresh_form:
        html += render(request, f"{TEMPLATE}#factor_form_oob", context).content
    if fresh_idea_form:
        html += render(request, f"{TEMPLATE}#idea_form_oob", context).content
    return _announce(HttpResponse(html), announcement)


def _rejected(
    request: HtmxHttpRequest,
    meeting: Meeting,
    participant: Participant,
    group: Group,
    error: DomainError,
    *,
    form: str,
    **fields: Any,
) -> HttpResponse:
    """A rejected text stays in its form (the factor form or the idea form, partial `form`,
    element id the same with dashes) with the reason beside it: nothing typed is lost."""
    error_field = "idea_error" if form == "idea_form" else "error"
    context = _context(meeting, participant, group, **{error_field: error.message}, **fields)
    return actions.answer(
        request,
        TEMPLATE,
        context,
        partial=form,
        error=error,
        page=lambda context: _page_context(meeting, context),
        target="#" + form.replace("_", "-"),
    )


def _flash_error(
    request: HtmxHttpRequest, code: str, error: DomainError, group_id: int | None = None
) -> HttpResponse:
    """An action on the list failed: say why, and show the list as it is now."""
    meeting: Meeting | None = None
    participant: Participant | None = None
    if error.code not in REFUSED:  # a refusal was counted once already: not again
        try:
            meeting, participant = _membership(request, code)
        except DomainError as refused:
            error = refused
    if error.code == "join_throttled":
        return message_answer(request, error)
    if meeting is None or participant is None:
        # Not (or no longer) in the meeting, or no such open meeting: the same answer either
        # way (the join page decides), so these URLs tell a guesser nothing.
        if request.htmx:
            return HttpResponseClientRedirect(reverse("meetings:join", args=[code]))
        if error.code in REFUSED:
            return message_answer(request, error)
        return message_answer(request, _not_joined())
    try:
        group = _group_of(participant, group_id) if group_id is not None else None
    except DomainError:
        group = None
    context = _context(meeting, participant, group or participant.home_group, flash=error.message)
    return actions.answer(
        request,
        TEMPLATE,
        context,
        partial="group_live",
        error=error,
        page=lambda context: _page_context(meeting, context),
        target="#group-live",
        swap="innerHTML",
        said=error.message,
    )


def _list_action(
    request: HtmxHttpRequest,
    code: str,
    group_id: int,
    action: Callable[[Group], object],
    announcement: str | Promise,
) -> HttpResponse:
    """The one path of every button on the list: who is asking, the action, the answer."""
    try:
        meeting, participant, group = _own_group(request, code, group_id)
        action(group)
    except DomainError as error:
        return _flash_error(request, code, error, group_id)
    return _updated(request, meeting, participant, group, announcement, fresh_form=False)


@role(Role.PHONE)
@require_GET
def group_page(request: HtmxHttpRequest, code: str) -> HttpResponse:
    try:
        meeting, participant = _membership(request, code)
    except DomainError as error:
        return message_answer(request, error)
    if participant is None:
        # An open meeting this phone is not in: its join page.
        return redirect("meetings:join", code=meeting.join_code)
    return _full_page(request, meeting, _context(meeting, participant, participant.home_group))


@role(Role.GROUP)
@require_GET
def group_state(request: HtmxHttpRequest, code: str, group_id: int) -> HttpResponse:
    try:
        meeting, participant, group = _own_group(request, code, group_id)
    except DomainError as error:
        if isinstance(error, NotYourGroup) and request.htmx:
            # Moved to another group meanwhile (the page asks for its state when the phase
            # changes): to the page of the group they are in now.
            return HttpResponseClientRedirect(reverse("groups:page", args=[code]))
        return _flash_error(request, code, error, group_id)
    if not request.htmx:
        return redirect("groups:page", code=meeting.join_code)
    if request.GET.get("part") == "pool":
        # After a phase change: only the pool's controls for the new phase; the list, a
        # confirmation being answered and the forms (what is typed) stay as they are.
        context = _context(meeting, participant, group)
        return render(request, f"{TEMPLATE}#pool_only", context)
    return _updated(request, meeting, participant, group, "")


@role(Role.GROUP)
@require_POST
def add_factor(request: HtmxHttpRequest, code: str, group_id: int) -> HttpResponse:
    text = request.POST.get("text", "")
    token = parse_uuid(request.POST.get("client_token"))
    try:
        meeting, participant, group = _own_group(request, code, group_id)
    except DomainError as error:
        return _flash_error(request, code, error, group_id)
    try:
        factor = services.add_factor(group=group, text=text, author=participant, client_token=token)
    except DomainError as error:
        return _rejected(
            request,
            meeting,
            participant,
            group,
            error,
            text=text,
            client_token=token or uuid.uuid4(),
            form="factor_form",
        )
    announcement = _("Framgångsfaktor %(position)d är tillagd.") % {"position": factor.position}
    return _updated(request, meeting, participant, group, announcement)


def _edit_form_context(meeting: Meeting, factor: SuccessFactor) -> dict[str, Any]:
    return {
        "editing": factor,
        "form_action": reverse("groups:edit", args=[meeting.join_code, factor.group_id, factor.pk]),
        "text": factor.text,
        "version": factor.version,
    }


@role(Role.GROUP)
@require_http_methods(["GET", "POST"])
def edit_factor(request: HtmxHttpRequest, code: str, group_id: int, factor_id: int) -> HttpResponse:
    """GET: the form filled in for editing. POST: save the new text."""
    try:
        meeting, participant, group = _own_group(request, code, group_id)
        services.ensure_open(group)
        # The POST's service reads (and locks) the factor itself.
        factor = services.get_factor(group, factor_id) if request.method == "GET" else None
    except DomainError as error:
        return _flash_error(request, code, error, group_id)
    if factor is not None:
        form = _edit_form_context(meeting, factor)
        if request.htmx:
            # Only the form: not the list nor the pool, which the page has (and keeps live).
            form.update(meeting=meeting, group=group, client_token=uuid.uuid4())
            return render(request, f"{TEMPLATE}#factor_form", form)
        return _full_page(request, meeting, _context(meeting, participant, group, **form))
    text = request.POST.get("text", "")
    version = _int_or_none(request.POST.get("version"))
    try:
        factor = services.edit_factor(group=group, factor_id=factor_id, text=text, version=version)
    except DomainError as error:
        if isinstance(error, (NotFound, Locked)):
            return _flash_error(request, code, error, group_id)
        try:
            factor = services.get_factor(group, factor_id)
        except DomainError as gone:
            return _flash_error(request, code, gone, group_id)
        form = _edit_form_context(meeting, factor)
        form["text"] = text
        return _rejected(request, meeting, participant, group, error, form="factor_form", **form)
    announcement = _("Framgångsfaktor %(position)d är sparad.") % {"position": factor.position}
    return _updated(request, meeting, participant, group, announcement)


@role(Role.GROUP)
@require_POST
def move_factor(request: HtmxHttpRequest, code: str, group_id: int, factor_id: int) -> HttpResponse:
    direction = request.POST.get("direction", "")
    from_position = _int_or_none(request.POST.get("position"))
    return _list_action(
        request,
        code,
        group_id,
        lambda group: services.move_factor(
            group=group, factor_id=factor_id, direction=direction, from_position=from_position
        ),
        _("Flyttad upp.") if direction == "up" else _("Flyttad ner."),
    )


@role(Role.GROUP)
@require_POST
def remove_factor(
    request: HtmxHttpRequest, code: str, group_id: int, factor_id: int
) -> HttpResponse:
    version = _int_or_none(request.POST.get("version"))
    return _list_action(
        request,
        code,
        group_id,
        lambda group: services.remove_factor(group=group, factor_id=factor_id, version=version),
        _("Framgångsfaktorn är borttagen."),
    )


@role(Role.GROUP)
@require_POST
def mark_agreed(request: HtmxHttpRequest, code: str, group_id: int) -> HttpResponse:
    confirmed = request.POST.get("confirm") == "1"
    try:
        meeting, participant, group = _own_group(request, code, group_id)
        outcome = services.mark_agreed(group=group, confirmed_short=confirmed)
    except DomainError as error:
        return _flash_error(request, code, error, group_id)
    if isinstance(outcome, NeedsConfirmation):
        # The group is asked once more, on the page, before the list locks.
        context = _context(meeting, participant, group, confirm_short=outcome.message)
        if request.htmx:
            return render(request, f"{TEMPLATE}#group_live", context)
        return _full_page(request, meeting, context)
    return _updated(
        request,
        meeting,
        participant,
        group,
        _("Listan är klar och låst för hela gruppen."),
        fresh_form=False,
    )


def _page_context(meeting: Meeting, context: dict[str, Any]) -> dict[str, Any]:
    """What the whole phone page adds to the group's part: the meeting's phase panel."""
    meeting = _phase_meeting(meeting)
    context.update(broadcast.phase_context(meeting))
    for name, value in reflection.phone_context(meeting, context["participant"]).items():
        context.setdefault(name, value)
    return context


def _full_page(request: HtmxHttpRequest, meeting: Meeting, context: dict[str, Any]) -> HttpResponse:
    """The whole phone page (no htmx): the group's part and the meeting's phase panel."""
    return render(request, TEMPLATE, _page_context(meeting, context))


# --- The idea pool ---------------------------------------------------------------------------


@role(Role.GROUP)
@require_POST
def add_idea(request: HtmxHttpRequest, code: str, group_id: int) -> HttpResponse:
    text = request.POST.get("text", "")
    token = parse_uuid(request.POST.get("client_token"))
    try:
        meeting, participant, group = _own_group(request, code, group_id)
    except DomainError as error:
        return _flash_error(request, code, error)
    try:
        services.add_idea(group=group, author=participant, text=text, client_token=token)
    except DomainError as error:
        if isinstance(error, Locked):
            return _flash_error(request, code, error)
        return _rejected(
            request,
            meeting,
            participant,
            group,
            error,
            idea_text=text,
            idea_token=token or uuid.uuid4(),
            form="idea_form",
        )
    return _updated(
        request,
        meeting,
        participant,
        group,
        _("Din idé är tillagd."),
        fresh_form=False,
        fresh_idea_form=True,
    )


def _idea_edit_context(meeting: Meeting, idea: Idea) -> dict[str, Any]:
    return {
        "idea_editing": idea,
        "idea_action": reverse(
            "groups:idea_edit", args=[meeting.join_code, idea.group_id, idea.pk]
        ),
        "idea_text": idea.text,
        "idea_version": idea.version,
    }


@role(Role.GROUP)
@require_http_methods(["GET", "POST"])
def edit_idea(request: HtmxHttpRequest, code: str, group_id: int, idea_id: int) -> HttpResponse:
    """GET: the idea form filled in for editing (own ideas only). POST: save the new text."""
    try:
        meeting, participant, group = _own_group(request, code, group_id)
        services.ensure_open(group)
        idea = services.get_idea(group, idea_id)
        if idea.author_id != participant.pk:
            raise Forbidden(
                "not_your_idea", _("Du kan bara ändra och ta tillbaka dina egna idéer.")
            )
    except DomainError as error:
        return _flash_error(request, code, error)
    if request.method == "GET":
        context = _context(meeting, participant, group, **_idea_edit_context(meeting, idea))
        if request.htmx:
            return render(request, f"{TEMPLATE}#idea_form", context)
        return _full_page(request, meeting, context)
    text = request.POST.get("text", "")
    version = _int_or_none(request.POST.get("version"))
    try:
        services.edit_idea(
            group=group, author=participant, idea_id=idea_id, text=text, version=version
        )
    except DomainError as error:
        if isinstance(error, (NotFound, Locked, Forbidden)):
            return _flash_error(request, code, error)
        form = _idea_edit_context(meeting, idea)
        form["idea_text"] = text
        return _rejected(request, meeting, participant, group, error, form="idea_form", **form)
    return _updated(
        request,
        meeting,
        participant,
        group,
        _("Din idé är sparad."),
        fresh_form=False,
        fresh_idea_form=True,
    )


def _pool_action(
    request: HtmxHttpRequest,
    code: str,
    group_id: int,
    action: Callable[[Group, Participant], object],
    announcement: str | Promise,
) -> HttpResponse:
    """A button in the pool: like `_list_action`, with the member who pressed it."""
    try:
        meeting, participant, group = _own_group(request, code, group_id)
        action(group, participant)
    except DomainError as error:
        return _flash_error(request, code, error)
    return _updated(request, meeting, participant, group, announcement, fresh_form=False)


@role(Role.GROUP)
@require_POST
def withdraw_idea(request: HtmxHttpRequest, code: str, group_id: int, idea_id: int) -> HttpResponse:
    return _pool_action(
        request,
        code,
        group_id,
        lambda group, me: services.withdraw_idea(group=group, author=me, idea_id=idea_id),
        _("Din idé är tagen tillbaka."),
    )


@role(Role.GROUP)
@require_POST
def reveal_pool(request: HtmxHttpRequest, code: str, group_id: int) -> HttpResponse:
    return _pool_action(
        request,
        code,
        group_id,
        lambda group, me: services.reveal_pool(group=group, by=me),
        _("Alla idéer visas nu för hela gruppen."),
    )


@role(Role.GROUP)
@require_POST
def dot(request: HtmxHttpRequest, code: str, group_id: int, idea_id: int) -> HttpResponse:
    """One dot more (delta=1) or fewer (delta=-1) on an idea. The page's script sends `seen`,
    how many of this member's dots it showed on the idea: the new count is computed from
    that, so a double tap asks for the same count twice and places one dot."""
    delta = _int_or_none(request.POST.get("delta"))
    seen = _int_or_none(request.POST.get("seen"))

    def place(group: Group, me: Participant) -> object:
        if delta not in (1, -1):
            raise DomainError("dot_delta", _("Välj om du vill sätta eller ta bort en prick."))
        current = seen if seen is not None else services.dots_of(me, group).get(idea_id, 0)
        return services.set_dots(
            group=group, participant=me, idea_id=idea_id, count=max(0, current + delta)
        )

    return _pool_action(
        request,
        code,
        group_id,
        place,
        _("Pricken är satt.") if delta == 1 else _("Pricken är borttagen."),
    )


@role(Role.GROUP)
@require_POST
def merge_ideas(request: HtmxHttpRequest, code: str, group_id: int) -> HttpResponse:
    idea_id = _int_or_none(request.POST.get("idea"))
    into_id = _int_or_none(request.POST.get("into"))

    def merge(group: Group, me: Participant) -> object:
        if idea_id is None or into_id is None:
            raise DomainError("merge_choice", _("Välj två idéer att slå ihop."))
        return services.merge_ideas(group=group, idea_id=idea_id, into_id=into_id, by=me)

    return _pool_action(request, code, group_id, merge, _("Idéerna är sammanslagna."))


@role(Role.GROUP)
@require_POST
def pick_idea(request: HtmxHttpRequest, code: str, group_id: int, idea_id: int) -> HttpResponse:
    return _pool_action(
        request,
        code,
        group_id,
        lambda group, me: services.pick_idea(group=group, idea_id=idea_id, author=me),
        _("Idén står nu i listan."),
    )


# --- Facilitator console: acting on a group's list ---------------------------------------


@role(Role.MEETING)
@require_POST
def console_unlock(request: HttpRequest, pk: int, group_id: int) -> HttpResponse:
    meeting = meeting_for_facilitator(request, pk)
    group = get_object_or_404(Group, pk=group_id, meeting=meeting)
    services.unlock_group(group=group)
    return console_answer(request, meeting)


# --- Expert groups: the participant's table and its list -----------------------------------


@role(Role.PHONE)
@require_GET
def expert_page(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The expert group's list (same tools as a home group's) under every home group's list
    (what the representatives bring)."""
    try:
        meeting, participant = _membership(request, code)
    except DomainError as error:
        return message_answer(request, error)
    if participant is None:
        return redirect("meetings:join", code=meeting.join_code)
    if participant.expert_group_id is None:
        return redirect("groups:page", code=meeting.join_code)
    expert_group = participant.expert_group
    assert expert_group is not None
    home_lists = list(meeting.home_groups().with_factors())
    return _full_page(
        request, meeting, _context(meeting, participant, expert_group, home_lists=home_lists)
    )


# --- Reflection: a participant's words -----------------------------------------------------


@role(Role.PHONE)
@require_POST
def reflect(request: HtmxHttpRequest, code: str) -> HttpResponse:
    entries = request.POST.getlist("word")[: reflection.MAX_REFLECTION_WORDS]
    token = parse_uuid(request.POST.get("client_token"))
    try:
        meeting, participant = _membership(request, code)
    except DomainError as error:
        return message_answer(request, error)
    if participant is None:
        return message_answer(request, _not_joined())
    try:
        created = reflection.submit_words(
            meeting=meeting, participant=participant, entries=entries, client_token=token
        )
    except DomainError as error:
        # What was typed stays in the fields, with the reason beside them.
        context = {
            "meeting": meeting,
            **reflection.phone_context(
                meeting,
                participant,
                typed=[entry[:200] for entry in entries],
                token=token,
                words_error=error.message,
            ),
        }
        if not request.htmx:
            return actions.message(request, error)
        return actions.answer(request, TEMPLATE, context, partial="reflection_words", error=error)
    if not request.htmx:
        return redirect("groups:page", code=meeting.join_code)
    context = {"meeting": meeting, **reflection.phone_context(meeting, participant)}
    response = render(request, f"{TEMPLATE}#reflection_words", context)
    return _announce(
        response,
        ngettext("Ditt ord är skickat.", "Dina %(count)d ord är skickade.", len(created))
        % {"count": len(created)},
    )


# --- Facilitator console: hiding a reflection word ----------------------------------------


@role(Role.MEETING)
@require_POST
def word_hide(request: HttpRequest, pk: int) -> HttpResponse:
    key = request.POST.get("key", "")[:200]
    meeting = meeting_for_facilitator(request, pk)
    try:
        reflection.hide_word(meeting=meeting, key=key, hidden_by=request.user)
    except DomainError as error:
        return console_answer(request, meeting, error)
    return console_answer(request, meeting)


@role(Role.MEETING)
@require_POST
def word_show(request: HttpRequest, pk: int) -> HttpResponse:
    key = request.POST.get("key", "")[:200]
    meeting = meeting_for_facilitator(request, pk)
    try:
        reflection.show_word(meeting=meeting, key=key)
    except DomainError as error:
        return console_answer(request, meeting, error)
    return console_answer(request, meeting)


@role(Role.MEETING)
@require_POST
def console_reveal(request: HttpRequest, pk: int, group_id: int) -> HttpResponse:
    meeting = meeting_for_facilitator(request, pk)
    group = get_object_or_404(Group, pk=group_id, meeting=meeting)
    services.reveal_pool(group=group, by_facilitator=True)
    return console_answer(request, meeting)


POOL_SETTINGS = "screens/pool_screens.html#console_pool_settings"


@role(Role.MEETING)
@require_POST
def console_pool_settings(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_facilitator(request, pk)
    dots = _int_or_none(request.POST.get("dots_per_member"))
    try:
        if dots is None:
            raise DomainError("dots_per_member", _("Skriv hur många prickar varje deltagare har."))
        services.update_pool_settings(
            meeting=meeting,
            dots_per_member=dots,
            several_dots_per_idea=request.POST.get("several_dots_per_idea") == "1",
            private_until_revealed=request.POST.get("private_until_revealed") == "1",
        )
    except DomainError as error:
        if not actions.is_htmx(request):
            return actions.message(request, error)
        context = {"meeting": meeting, "pool_error": error.message}
        return actions.answer(request, POOL_SETTINGS, context, error=error)
    if not getattr(request, "htmx", False):
        return redirect("meetings:detail", pk=meeting.pk)
    return render(request, POOL_SETTINGS, {"meeting": meeting, "pool_saved": True})
