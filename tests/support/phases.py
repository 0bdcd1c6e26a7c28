"""Running a meeting's phase in a test, the way the facilitator's console does."""

from __future__ import annotations

from meetings import services
from meetings.models import Meeting, Phase, PhaseKind


def run_phase(meeting: Meeting, kind: PhaseKind | str) -> Phase:
    """Start the meeting's first phase of `kind` (added to the agenda when it has none), ending
    the running one. What participants may do then is that kind's `PHASE_RULES`. The agenda
    has buzz groups, as every agenda that uses the idea pool does (without them no phase
    offers the pool)."""
    if not meeting.phases.filter(kind=PhaseKind.BUZZ).exists():
        services.add_phase(
            meeting=meeting, kind=PhaseKind.BUZZ, title=PhaseKind.BUZZ.label, planned_minutes=10
        )
    phase = meeting.phases.filter(kind=kind).order_by("position").first()
    if phase is None:
        phase = services.add_phase(
            meeting=meeting, kind=str(kind), title=PhaseKind(kind).label, planned_minutes=10
        )
    started = services.start_phase(meeting=meeting, phase_id=phase.pk)
    meeting.refresh_from_db()
    return started
