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
