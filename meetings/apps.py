from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Dialogmöten")

    def warm_up(self) -> None:
        """topp25.warmup: the room's Swedish hyphenation patterns take ~250 ms to load, which
        the first change shown on a room screen would otherwise pay."""
        from .templatetags.room_text import hyphenate_word

        hyphenate_word("Förskoleklassverksamheten")

    def ready(self) -> None:
        from .roles import ensure_roles

        # After auth's own post_migrate has created the permissions.
        post_migrate.connect(ensure_roles, sender=self)
