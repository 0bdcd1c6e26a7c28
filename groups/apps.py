from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Gruppernas listor")

    def ready(self) -> None:
        from meetings.models import PhaseKind
        from meetings.phases import PhaseScreens, register

        from .reflection import words_context

        # The reflection's screens: phones write words (groups/group.html#reflection_words),
        # the room shows the cloud, the console the ranked list with "Dölj".
        register(
            PhaseKind.REFLECTION,
            PhaseScreens(
                phone="phone_reflection",
                room="room_reflection",
                console="console_reflection",
                context=words_context,
            ),
        )
        # The idea pool is this app's activity: its partials for the buzz, dialogue and agree
        # phases, a part of each group's room column and console row, and a settings card;
        # only in meetings whose agenda has buzz groups (others keep the plain screens).
        from meetings.models import Meeting, PhaseKind
        from meetings.phases import PhaseScreens, register, register_console_panel

        def uses_pool(meeting: Meeting) -> bool:
            return meeting.uses_idea_pool

        screens = "groups/pool_screens.html"
        room_column = f"{screens}#room_pool_column"
        console_row = f"{screens}#console_pool_row"
        console = f"{screens}#console_pool_phase"
        register(
            PhaseKind.BUZZ,
            PhaseScreens(
                phone="phone_pool_buzz",
                room="room_timer",
                room_column=room_column,
                console_row=console_row,
                console=console,
            ),
            when=uses_pool,
        )
        register(
            PhaseKind.DIALOGUE,
            PhaseScreens(
                phone="phone_pool_dialogue",
                room="room_timer",
                room_gallery=True,
                phone_list_first=True,
                room_column=room_column,
                console_row=console_row,
                console=console,
            ),
            when=uses_pool,
        )
        register(
            PhaseKind.AGREE,
            PhaseScreens(
                phone="phone_pool_agree",
                room="room_timer",
                room_gallery=True,
                phone_list_first=True,
                room_column=room_column,
                console_row=console_row,
                console=console,
            ),
            when=uses_pool,
        )
        register_console_panel(f"{screens}#console_pool_settings")
