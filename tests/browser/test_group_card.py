"""A home group's printed card: the address its QR encodes (made by the same function as the
card's QR) opens a confirmation on the phone, and one tap joins that group."""

from __future__ import annotations

import pytest

from meetings.models import Group, Meeting, Participant
from screens.cards import cards_context

from .conftest import PHONE, Browser, LiveASGIServer
from .test_afternoon import live

pytestmark = pytest.mark.browser


def test_one_tap_on_a_scanned_card_joins_its_group(
    meeting: Meeting, principals: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    context = asgi_server.call(cards_context, meeting, absolute=lambda path: asgi_server.url + path)
    card = next(card for card in context["cards"] if card.name == principals.name)
    phone = browser.new_page("phone", **PHONE)
    phone.goto(card.url)  # what the camera opens
    button = phone.get_by_role("button", name="Gå med i Rektorer")
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["viewport"]["height"]
    assert box["height"] >= 44
    button.tap()
    phone.wait_for_url(f"**/m/{meeting.join_code}/group/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Din grupp: Rektorer"
    live(phone)
    joined = asgi_server.call(
        lambda: list(Participant.objects.values_list("home_group__name", flat=True))
    )
    assert joined == ["Rektorer"]
    # The card scanned again later: straight to the group, no second participant.
    phone.goto(card.url)
    phone.wait_for_url(f"**/m/{meeting.join_code}/group/")
    assert asgi_server.call(Participant.objects.count) == 1
    browser.assert_no_errors()
