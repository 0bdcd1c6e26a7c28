from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .codes import new_join_code, new_room_token

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

MAX_FACTOR_COUNT = 10


class Profession(models.TextChoices):
    TEACHER = "larare", _("Lärare")
    PRESCHOOL_TEACHER = "forskollarare", _("Förskollärare")
    PRINCIPAL = "rektor", _("Rektorer")
    PRESCHOOL_HEAD = "forskolechef", _("Förskolechefer")
    SCHOOL_HEAD = "skolchef", _("Skolchefer")
    STUDENT_HEALTH = "elevhalsa", _("Elevhälsa")
    POLITICIAN = "politiker", _("Politiker")
    MIXED = "blandad", _("Blandad")


# The usual seven home groups of a topp25 afternoon, in the order they sit in the room.
USUAL_PROFESSIONS: list[Profession] = [
    Profession.TEACHER,
    Profession.PRESCHOOL_TEACHER,
    Profession.PRINCIPAL,
    Profession.PRESCHOOL_HEAD,
    Profession.SCHOOL_HEAD,
    Profession.STUDENT_HEALTH,
    Profession.POLITICIAN,
]


class SeriesQuerySet(models.QuerySet["Series"]):
    def organised_by(self, user: AbstractBaseUser | AnonymousUser) -> SeriesQuerySet:
        if getattr(user, "is_superuser", False):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(organisers=user)


class Series(models.Model):
    """Meetings over years, and who they belong to. A name is only a name: two organisers'
    series may share one, and naming a series grants nothing. Its organisers see it, put
    their meetings in it and share it with a colleague (meetings.services.share_series)."""

    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organised_series",
        verbose_name=_("arrangörer"),
    )

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("serie")
        verbose_name_plural = _("serier")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def facilitated_by(self, user: AbstractBaseUser | AnonymousUser) -> MeetingQuerySet:
        if getattr(user, "is_superuser", False):
            return self
        return self.filter(facilitators=user)


# Meeting.uses_idea_pool per (pk, join code, revision): a small process-local memo.
_USES_POOL: dict[tuple[int, str, int], bool] = {}


class Meeting(models.Model):
    series = models.ForeignKey(
        Series,
        verbose_name=_("serie"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    title = models.CharField(_("titel"), max_length=200)
    date = models.DateField(_("datum"))
    venue = models.CharField(_("plats"), max_length=200, blank=True)
    core_question = models.TextField(_("grundfråga"), max_length=500)
    factor_count = models.PositiveSmallIntegerField(
        _("antal framgångsfaktorer per grupp"),
        default=5,
        help_text=_("Vanligtvis fem."),
    )
    join_code = models.CharField(
        _("mötets kod"), max_length=12, unique=True, default=new_join_code, editable=False
    )
    joining_open = models.BooleanField(_("öppet för nya deltagare"), default=True)
    # With the idea pool (an agenda with buzz groups): ideas may still be written while the
    # group talks and agrees, until its list is agreed, so a group can reach its five from
    # the pool. Read by meetings.phases.rules_for, the one place that says what is allowed.
    ideas_until_agreed = models.BooleanField(
        _("idéer kan skrivas tills listan är klar"),
        default=True,
        help_text=_(
            "Med bikupor: deltagarna kan skriva nya idéer även under samtalet och när gruppen "
            "enas, tills gruppens lista är markerad som klar."
        ),
    )
    # What the phones call a group in their instructions ("Samtala i hela enheten"), in the
    # definite form; empty: "hemgruppen". The unit day sets "enheten".
    group_word = models.CharField(
        _("ordet för en grupp"),
        max_length=40,
        blank=True,
        help_text=_(
            "I bestämd form, till exempel ”enheten” eller ”verksamheten”. Tomt: ”hemgruppen”."
        ),
    )
    room_token = models.CharField(
        max_length=64, unique=True, default=new_room_token, editable=False
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("samtalsledare"),
        related_name="meetings",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The phase the room is in now; none before the first and after one has ended.
    current_phase = models.ForeignKey(
        "Phase",
        verbose_name=_("pågående fas"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # An archive: a meeting imported from an export (last year's results), not one run here.
    is_archive = models.BooleanField(_("arkiv"), default=False, editable=False)
    # Bumped under the meeting's row lock by every change to the meeting as a whole (phase,
    # timer, agenda, the set of groups, who is in), and carried by every meeting-wide live
    # fragment, so a screen never replaces a newer state with an older one.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # When the facilitator last published the expert groups (Participant.expert_draft copied to
    # Participant.expert_group); none while the allocation is only a draft on the console.
    experts_published_at = models.DateTimeField(
        _("expertgrupper publicerade"), null=True, blank=True, editable=False
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("dialogmöte")
        verbose_name_plural = _("dialogmöten")
        ordering = ["-date", "title"]
        permissions = [("export_meeting", _("Kan exportera sammanfattningar"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(factor_count__gte=1) & Q(factor_count__lte=MAX_FACTOR_COUNT),
                name="meeting_factor_count_range",
            ),
            models.CheckConstraint(
                condition=~Q(core_question__regex=r"^\s*$"), name="meeting_core_question_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"

    def home_groups(self) -> GroupQuerySet:
        return Group.objects.filter(meeting=self, kind=Group.Kind.HOME)

    def agenda(self) -> models.QuerySet[Phase]:
        return self.phases.all()

    @property
    def group_noun(self) -> str:
        """The group word the phones use, e.g. "Samtala i hela hemgruppen"."""
        return self.group_word or str(_("hemgruppen"))

    @cached_property
    def uses_idea_pool(self) -> bool:
        """Whether the agenda has buzz groups, where the idea pool starts: without them no
        screen shows a pool (nothing to dot, merge or pick). Every agenda change bumps the
        revision, so the answer is kept per (meeting, revision) in this process: the phone's
        and the broadcasts' reads do not grow by a query."""
        running = self._state.fields_cache.get("current_phase")
        if running is not None and running.kind == PhaseKind.BUZZ:
            return True
        key = (self.pk, self.join_code, self.revision)
        known = _USES_POOL.get(key)
        if known is None:
            known = self.phases.filter(kind=PhaseKind.BUZZ).exists()
            if len(_USES_POOL) >= 4096:
                _USES_POOL.clear()
            _USES_POOL[key] = known
        return known

    @property
    def has_run(self) -> bool:
        """Whether any phase of the agenda has been started (the afternoon is under way)."""
        return self._phase_flags[1]

    @property
    def has_agenda(self) -> bool:
        return self._phase_flags[0]

    @cached_property
    def _phase_flags(self) -> tuple[bool, bool]:
        """(has an agenda, has run). A current phase answers both without a query (it is set
        only while a started phase runs); otherwise one query counts both."""
        if self.current_phase_id is not None:
            return True, True
        counts = self.agenda().aggregate(
            phases=models.Count("pk"),
            started=models.Count("pk", filter=Q(started_at__isnull=False)),
        )
        return counts["phases"] > 0, counts["started"] > 0


class PhaseKind(models.TextChoices):
    INTRODUCTION = "introduction", _("Inledning")
    BUZZ = "buzz", _("Bikupor")
    DIALOGUE = "dialogue", _("Helgrupp")
    AGREE = "agree", _("Enas om fem")
    BREAK = "break", _("Fika")
    EXPERT = "expert", _("Expertgrupper")
    # The themes the agreed lists share, on the room screen and the phones (summary's).
    THEMES = "themes", _("Teman")
    REFLECTION = "reflection", _("Reflektion")
    CLOSED = "closed", _("Avslutning")


MAX_PHASE_MINUTES = 600


class Phase(models.Model):
    """One step of a meeting's agenda, and its timer.

    The timer lives here, on the server: every screen computes the same countdown from it.
    `duration_seconds` is the planned time plus what the facilitator added or removed.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField(_("ordning"))
    kind = models.CharField(_("sort"), max_length=20, choices=PhaseKind.choices)
    title = models.CharField(_("rubrik"), max_length=120)
    planned_minutes = models.PositiveSmallIntegerField(_("planerade minuter"), default=10)
    speaker = models.CharField(_("talare"), max_length=120, blank=True)
    note = models.TextField(_("anteckning"), max_length=1000, blank=True)
    started_at = models.DateTimeField(_("startade"), null=True, blank=True)
    ended_at = models.DateTimeField(_("avslutades"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("fas")
        verbose_name_plural = _("faser")
        ordering = ["meeting_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_minutes__lte=MAX_PHASE_MINUTES), name="phase_minutes_range"
            ),
            models.CheckConstraint(
                condition=~Q(title__regex=r"^\s*$"), name="phase_title_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_running(self) -> bool:
        return self.started_at is not None and self.ended_at is None

    @property
    def is_paused(self) -> bool:
        return self.is_running and self.paused_at is not None

    def elapsed_seconds(self, now: datetime.datetime) -> int:
        if self.started_at is None:
            return 0
        until = self.ended_at or self.paused_at or now
        paused = self.paused_seconds
        return max(0, int((until - self.started_at).total_seconds()) - paused)

    def remaining_seconds(self, now: datetime.datetime) -> int:
        """Seconds left; negative once time has run out (nothing is taken away then)."""
        if self.started_at is None:
            return self.planned_minutes * 60
        return self.duration_seconds - self.elapsed_seconds(now)


class GroupQuerySet(models.QuerySet["Group"]):
    def with_factors(self) -> GroupQuerySet:
        # A group's screens show its pool too (groups app): its settings and reveal state come
        # in the same query, not two more per group (groups/pool_state.py uses them).
        return self.prefetch_related("factors").select_related(
            "meeting__pool_settings", "idea_pool"
        )


class Group(models.Model):
    class Kind(models.TextChoices):
        HOME = "home", _("Hemgrupp")
        EXPERT = "expert", _("Expertgrupp")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("sort"), max_length=10, choices=Kind.choices, default=Kind.HOME)
    name = models.CharField(_("namn"), max_length=100)
    profession = models.CharField(
        _("yrkesgrupp"), max_length=20, choices=Profession.choices, blank=True
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    agreed_at = models.DateTimeField(_("klar sedan"), null=True, blank=True)
    # Bumped under the row lock by every change to the group's list, and carried by every
    # live fragment, so a screen never replaces a newer list with an older one.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # Bumped with `revision` only by a change to what the group's idea pool shows (an idea, a
    # dot, a merge, the reveal, the list's room for picks): a screen rendering the pool for
    # a change of the list alone may reuse the pool as it was read at the same pool revision.
    pool_revision = models.PositiveIntegerField(default=0, editable=False)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("grupp")
        verbose_name_plural = _("grupper")
        ordering = ["meeting_id", "kind", "position", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "meeting", "kind", name="group_unique_name_ci"),
            models.CheckConstraint(condition=~Q(name__regex=r"^\s*$"), name="group_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_agreed(self) -> bool:
        return self.agreed_at is not None

    def ordered_factors(self) -> list[Any]:
        # The groups app's SuccessFactor (ordered by position), read through the reverse
        # relation so this app needs no import of it; uses the prefetch cache if any.
        return list(self.factors.all())


class Participant(models.Model):
    """An anonymous person at a meeting, known only by the session cookie of their phone."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    # RESTRICT, not PROTECT: a group with members cannot be deleted on its own, but the
    # whole meeting (groups and participants together) can.
    home_group = models.ForeignKey(
        Group, verbose_name=_("hemgrupp"), on_delete=models.RESTRICT, related_name="members"
    )
    expert_group = models.ForeignKey(
        Group,
        verbose_name=_("expertgrupp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_members",
    )
    # The facilitator's draft of the jigsaw (what the console previews and moves people in);
    # `expert_group` is what was published to the phones.
    expert_draft = models.ForeignKey(
        Group,
        verbose_name=_("expertgrupp (utkast)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_draft_members",
    )
    # Set when the facilitator marks the person as gone: no longer counted as present (not
    # allocated, not counted when a latecomer is seated), still listed at their table.
    left_at = models.DateTimeField(_("gick"), null=True, blank=True)
    display_name = models.CharField(_("namn (valfritt)"), max_length=60, blank=True)
    # The id of the join form: a double tap on a group joins once.
    join_token = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deltagare")
        verbose_name_plural = _("deltagare")
        ordering = ["meeting_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "join_token"], name="participant_unique_join_token"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or _("Deltagare nr %(number)s") % {"number": self.pk}

    @property
    def has_left(self) -> bool:
        return self.left_at is not None
