from django.apps import AppConfig


class SummaryConfig(AppConfig):
    name = "summary"
    verbose_name = "Sammanfattning"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from meetings.models import Phase, PhaseKind
        from meetings.phases import PhaseScreens, register, register_console_panel

        from . import room_themes

        # The themes phase's screens, all in one template of this app.
        screens = "summary/themes_screens.html"
        register(
            PhaseKind.THEMES,
            PhaseScreens(
                phone=f"{screens}#phone_themes",
                room=f"{screens}#room_themes",
                console=f"{screens}#console_themes",
                context=room_themes.screen_context,
            ),
        )
        register_console_panel(f"{screens}#console_themes_panel")

        # The Swedish dictionary loads ahead, in its own thread, as soon as an agenda gets a
        # themes phase: never in a request's path.
        def themes_phase_saved(sender: type[Phase], instance: Phase, **kwargs: object) -> None:
            if instance.kind == PhaseKind.THEMES:
                room_themes.load_ahead()

        post_save.connect(themes_phase_saved, sender=Phase, dispatch_uid="themes_load_ahead")
