"""What editors keep after a meeting, beside the record (which is never changed here).

- The editor's version of the summary (SummaryDraft, FactorEdit, SummaryChange) and series
  indicators over years.
- What an editor decided about the themes (CuratedTheme, ThemeFactor), kept on top of the theme
  finder's output: nothing is stored until an editor curates; summary.services.meeting_themes()
  runs the finder afresh and applies these, so edits survive re-running it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meetings.models import Group, Meeting, Series

# =========================================================================================
# Summary workspace and public page (branch `workspace`): SummaryDraft, FactorEdit,
# SummaryChange. Themes live in their own block.
# =========================================================================================


class SummaryDraft(models.Model):
    """The editor's version of a meeting's summary, one per meeting.

    Each text the editors write carries its own version number, bumped on every save, so an
    editor saving over a text someone else changed meanwhile is told instead of overwriting.
    """

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="summary_draft", verbose_name=_("möte")
    )
    lead = models.TextField(_("ingress"), blank=True)
    lead_version = models.PositiveIntegerField(default=1)
    closing = models.TextField(_("avslutning"), blank=True)
    closing_version = models.PositiveIntegerField(default=1)
    # Group pks in the editor's order; groups missing from it follow in their seating order.
    group_order = models.JSONField(_("gruppernas ordning"), default=list, blank=True)
    order_version = models.PositiveIntegerField(default=1)
    # The public page: a token while published, null while not. What it shows is the
    # snapshot taken when publishing, never the draft being edited.
    public_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    published_content = models.JSONField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sammanfattning")
        verbose_name_plural = _("sammanfattningar")

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def is_published(self) -> bool:
        return self.public_token is not None


class FactorEdit(models.Model):
    """The editor's wording of one success factor for publication.

    Points at the factor by its id, not by a foreign key: groups.services reorders a list by
    deleting and re-inserting rows (with the same id), which a foreign key would cascade.
    """

    draft = models.ForeignKey(SummaryDraft, on_delete=models.CASCADE, related_name="factor_edits")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    factor_id = models.PositiveBigIntegerField()
    text = models.CharField(_("redaktörens formulering"), max_length=200)
    # The group's text when the editor last saved: the workspace says when it changed since.
    based_on = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("redigerad framgångsfaktor")
        verbose_name_plural = _("redigerade framgångsfaktorer")
        constraints = [
            models.UniqueConstraint(fields=["draft", "factor_id"], name="factor_edit_unique"),
            models.CheckConstraint(
                condition=~Q(text__regex=r"^\s*$"), name="factor_edit_text_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class SummaryChange(models.Model):
    """One entry of the workspace's visible history: who changed what, and when."""

    class Kind(models.TextChoices):
        LEAD = "lead", _("Ingress")
        CLOSING = "closing", _("Avslutning")
        FACTOR = "factor", _("Framgångsfaktor")
        ORDER = "order", _("Gruppernas ordning")
        PUBLISH = "publish", _("Publicering")
        REVOKE = "revoke", _("Avpublicering")

    draft = models.ForeignKey(SummaryDraft, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    factor_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Where the change was made, in words ("Lärare, faktor 2"), kept even if the group goes.
    subject = models.CharField(max_length=200, blank=True)
    old_text = models.TextField(blank=True)
    new_text = models.TextField(blank=True)
    # Autosave saves every pause in typing; one person's run of saves to one text is one entry.
    started_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ändring")
        verbose_name_plural = _("ändringar")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.changed_at:%Y-%m-%d %H:%M}"


# =========================================================================================
# Series over years (branch `workspace`): the indicator a series tracks, a value per year.
# =========================================================================================


class SeriesIndicator(models.Model):
    """The goal a series serves, as a number per year (e.g. the municipality's rank)."""

    series = models.OneToOneField(
        Series, on_delete=models.CASCADE, related_name="indicator", verbose_name=_("serie")
    )
    name = models.CharField(_("indikator"), max_length=200)
    lower_is_better = models.BooleanField(_("lägre värde är bättre"), default=False)
    source = models.CharField(_("källa"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        constraints = [
            models.CheckConstraint(
                condition=~Q(name__regex=r"^\s*$"), name="indicator_name_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return self.name


MIN_YEAR = 1990
MAX_YEAR = 2100


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(SeriesIndicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("år"))
    value = models.DecimalField(_("värde"), max_digits=12, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("värde")
        verbose_name_plural = _("värden")
        ordering = ["indicator_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"], name="indicator_value_one_a_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR),
                name="indicator_value_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


# --- Themes --------------------------------------------------------------------------------


THEME_LABEL_MAX_LENGTH = 120


class CuratedTheme(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="curated_themes")
    # The finder's concept this theme stands for ("c:Samverkan", "w:läsförståelse"); blank for
    # a theme the editor made by moving a factor out of another.
    concept = models.CharField(max_length=200, blank=True)
    # Blank: keep the finder's label.
    label = models.CharField(_("tema"), max_length=THEME_LABEL_MAX_LENGTH, blank=True)
    dismissed = models.BooleanField(_("avfärdat"), default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("redigerat tema")
        verbose_name_plural = _("redigerade teman")
        ordering = ["meeting_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "concept"],
                condition=~Q(concept=""),
                name="curated_theme_unique_concept",
            ),
            models.CheckConstraint(
                condition=~Q(concept="") | ~Q(label=""), name="curated_theme_new_has_label"
            ),
        ]

    def __str__(self) -> str:
        return self.label or self.concept


class ThemeFactor(models.Model):
    """A factor the editor placed in a theme by hand (split out, or merged in).

    `factor_id` is the SuccessFactor's id as a plain number, not a foreign key: reordering a
    group's list deletes and re-inserts a row under the same id (groups/services.py), which
    would cascade a foreign key away, and nothing may point at a factor (tests/test_models.py).
    Ids are never reused (AUTOINCREMENT on SQLite, sequences on PostgreSQL); a pin whose factor
    was removed is ignored and cleared by the next curation.
    """

    theme = models.ForeignKey(CuratedTheme, on_delete=models.CASCADE, related_name="pins")
    factor_id = models.PositiveBigIntegerField(unique=True)

    class Meta:
        verbose_name = _("faktor i tema")
        verbose_name_plural = _("faktorer i teman")

    def __str__(self) -> str:
        return f"{self.factor_id} → {self.theme}"
