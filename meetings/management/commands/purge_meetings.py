"""Data minimisation: remove participants' names and sessions of old meetings, keep results."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from meetings.services import purge_personal_data


class Command(BaseCommand):
    help = (
        "Tar bort deltagarnas namn och sessioner för möten äldre än DAYS dagar "
        "(standard: RETENTION_DAYS). Resultaten sparas."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="DAYS",
            default=None,
            help="Möten som hölls för mer än så här många dagar sedan.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["older_than"]
        if days is None:
            days = settings.RETENTION_DAYS
        if days < 0:
            raise CommandError("--older-than måste vara 0 eller mer.")
        held_before = timezone.localdate() - datetime.timedelta(days=days)
        meetings, names, sessions = purge_personal_data(held_before=held_before)
        self.stdout.write(
            f"{meetings} möten före {held_before:%Y-%m-%d}: {names} namn och "
            f"{sessions} sessioner borttagna."
        )
