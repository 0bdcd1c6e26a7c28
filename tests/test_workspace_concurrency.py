"""Two editors saving the same text at the same moment: one wins, the other is told; the
first visit of two editors at once makes one draft."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from groups import services as group_services
from meetings.models import Group, Meeting
from summary import services
from summary.models import FactorEdit, SummaryChange, SummaryDraft
from tests.support.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_editors_save_the_lead_at_once(meeting: Meeting, facilitator: User) -> None:
    done, refused = race(
        4,
        lambda n: services.save_text(
            meeting=meeting, field="lead", text=f"Ingress {n}", version=1, user=facilitator
        ),
    )
    assert len(done) == 1 and len(refused) == 3
    assert {error.code for error in refused} == {"stale"}
    draft = SummaryDraft.objects.get(meeting=meeting)
    assert draft.lead_version == 2 and draft.lead.startswith("Ingress ")
    # Each refused editor was shown the text that won.
    assert {error.current_text for error in refused} == {draft.lead}  # type: ignore[attr-defined]
    assert SummaryChange.objects.count() == 1


def test_two_editors_reword_one_factor_at_once(
    meeting: Meeting, teachers: Group, facilitator: User
) -> None:
    factor = group_services.add_factor(group=teachers, text="Studiero")
    done, refused = race(
        3,
        lambda n: services.save_factor_wording(
            meeting=meeting, factor_id=factor.pk, text=f"Studiero {n}", version=0, user=facilitator
        ),
    )
    assert len(done) == 1 and [error.code for error in refused] == ["stale", "stale"]
    assert FactorEdit.objects.get().version == 1


def test_first_visits_at_once_make_one_draft(meeting: Meeting) -> None:
    done, refused = race(4, lambda n: services.draft_for(meeting).pk)
    assert not refused and len(set(done)) == 1
    assert SummaryDraft.objects.count() == 1
