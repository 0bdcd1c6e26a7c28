from django.apps import AppConfig


class SummaryConfig(AppConfig):
    name = "summary"
    verbose_name = "Sammanfattning"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from meetings.models import Phase, PhaseKind

        from . import room_themes

        # The Swedish dictionary loads ahead, in its own thread, as soon as an agenda gets a
        # themes phase: never in a request's path.
        def themes_phase_saved(sender: type[Phase], instance: Phase, **kwargs: object) -> None:
            if instance.kind == PhaseKind.THEMES:
                room_themes.load_ahead()

        post_save.connect(themes_phase_saved, sender=Phase, dispatch_uid="themes_load_ahead")
