from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreensConfig(AppConfig):
    name = "screens"
    verbose_name = _("Skärmar")

    def ready(self) -> None:
        from meetings import changes

        from . import broadcast

        # Every change the services announce reaches the screens through this one handler.
        changes.subscribe(broadcast.deliver)
