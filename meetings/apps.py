from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Dialogmöten")

    def ready(self) -> None:
        from .roles import ensure_roles

        # After auth's own post_migrate has created the permissions.
        post_migrate.connect(ensure_roles, sender=self)
