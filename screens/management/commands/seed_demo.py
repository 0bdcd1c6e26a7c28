"""Create (or reuse) the demo facilitator and the demo meeting, and print how to reach them."""

from __future__ import annotations

import datetime
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.urls import reverse

from groups import services as group_services
from meetings import services
from meetings.models import Meeting
from meetings.phases import AgendaTemplate
from meetings.roles import EDITOR_ROLE, FACILITATOR_ROLE

DEMO_USERNAME = "samtalsledare"
DEMO_PASSWORD = "topp25-demo"
DEMO_TITLE = "Dialogmöte 1: Vad höjer elevernas resultat?"

DEMO_FACTORS = {
    "Lärare": [
        "Tid för kollegialt lärande varje vecka",
        "Tydliga mål som eleverna förstår",
        "Tidiga insatser när en elev halkar efter",
    ],
    "Rektorer": [
        "Ett nära pedagogiskt ledarskap",
        "Gemensam bild av vad god undervisning är",
    ],
    "Politiker": ["Långsiktiga resurser i stället för projektpengar"],
}


class Command(BaseCommand):
    help = "Skapar demo-samtalsledaren och ett demomöte (återanvänder dem om de finns)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default=None)

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        port = os.environ.get("PORT", "8000")
        base_url = (options["base_url"] or f"http://127.0.0.1:{port}").rstrip("/")
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=DEMO_USERNAME, defaults={"first_name": "Demo", "is_staff": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        for role in (FACILITATOR_ROLE, EDITOR_ROLE):
            user.groups.add(AuthGroup.objects.get(name=role))

        meeting = Meeting.objects.filter(title=DEMO_TITLE, facilitators=user).first()
        if meeting is None:
            meeting = services.create_meeting(
                facilitator=user,
                title=DEMO_TITLE,
                date=datetime.date.today(),
                venue="Stadshusets stora sal",
                core_question="Vad gör störst skillnad för att eleverna ska nå målen i vår kommun?",
                series_name="Topp 25 – skolans resultat 2026–2028",
                usual_home_groups=True,
                agenda_template=AgendaTemplate.PROFESSION_AFTERNOON,
            )
            for group in meeting.home_groups():
                for text in DEMO_FACTORS.get(group.name, []):
                    group_services.add_factor(group=group, text=text)

        join_path = reverse("meetings:join", args=[meeting.join_code])
        room_path = reverse("meetings:room", args=[meeting.room_token])
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "topp25 demo",
                    f"  Samtalsledare:  {base_url}{reverse('login')}",
                    f"                  användarnamn {DEMO_USERNAME}, lösenord {DEMO_PASSWORD}"
                    + ("" if created else " (om du inte har bytt det)"),
                    f"  Gå med (telefon): {base_url}{join_path}   kod {meeting.join_code}",
                    f"  Rumsskärm:      {base_url}{room_path}",
                    "",
                ]
            )
        )
