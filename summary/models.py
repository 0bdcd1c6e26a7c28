"""What an editor decided about a meeting's themes, kept on top of the theme finder's output.

Nothing is stored until an editor curates: themes are found afresh whenever they are shown.
Once they curate, a theme they touched gets a CuratedTheme row (keyed by the finder's concept
when it came from the finder), and a factor they moved gets a ThemeFactor pin (keyed by the
factor's id, which survives reordering). summary.services.meeting_themes() runs the finder and
applies these on top, so edits survive re-running it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting

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
