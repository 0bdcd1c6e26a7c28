"""The one way an action answers, for htmx and for a page without JavaScript alike.

An action either worked, asks once more (`NeedsConfirmation`, drawn by the screen's own
context), or raised a `DomainError`, which carries its status and its Swedish sentence. htmx
gets the screen's partial, moved to where it belongs (`retarget`) and read out to screen
readers; a plain form gets the whole page with the same status, or after a success is sent
back to the page (post/redirect/get). Views say which screen and context; this says how.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django_htmx.http import reswap, retarget, trigger_client_event

from .errors import DomainError

MESSAGE = "message.html"


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def announce(response: HttpResponse, message: str | Promise) -> HttpResponse:
    """Said by the page's permanent live region #announcer (screen readers); the event fires on
    that element, which no swap replaces (static/js/topp25.js)."""
    if not message:
        return response
    detail = {"message": str(message), "target": "#announcer"}
    return trigger_client_event(response, "topp25:announce", detail)


def answer(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    error: DomainError | None = None,
    page: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    done: str | None = None,
    target: str | None = None,
    swap: str = "outerHTML",
    said: str | Promise = "",
) -> HttpResponse:
    """Answer an action on the screen `template`.

    - `partial`: what htmx gets (a partial of `template`); without it htmx gets the page too.
    - `error`: the refusal; its status is the answer's.
    - `page`: adds what only the whole page needs to the context (no-JS answers).
    - `done`: where a plain form goes after a success (none: the page is drawn, e.g. to ask).
    - `target`/`swap`: where htmx puts the partial when that is not the form's own target.
    - `said`: read to screen readers.
    """
    status = error.status if error is not None else 200
    if not is_htmx(request):
        if error is None and done is not None:
            return redirect(done)
        full = page(context) if page is not None else context
        return render(request, template, full, status=status)
    name = f"{template}#{partial}" if partial else template
    response = render(request, name, context, status=status)
    if target is not None:
        response = reswap(retarget(response, target), swap)  # type: ignore[arg-type]
    return announce(response, said)


def message(request: HttpRequest, error: DomainError) -> HttpResponse:
    """A refusal with no screen of its own to stay on: the sentence on a small page."""
    return answer(request, MESSAGE, {"message": error.message}, error=error)
