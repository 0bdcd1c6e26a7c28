#!/usr/bin/env python
"""Seed the benchmark's meetings in the database the environment points at (run by run.py).

Each meeting: the usual seven home groups, three factors per group (so edits have something
to edit from the first write; the remaining places are filled by adds). Prints one JSON line:
[{"code", "room_token", "factor_count", "groups": [{"id", "factors": [ids]}]}].
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "topp25.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from groups import services as group_services  # noqa: E402
from meetings import services  # noqa: E402

SEED_TEXTS = ["Tid för kollegialt lärande", "Tydliga mål", "Tidiga insatser"]


def main(count: int) -> None:
    user, _ = get_user_model().objects.get_or_create(username="bench")
    plan = []
    for n in range(count):
        meeting = services.create_meeting(
            facilitator=user,
            title=f"Benchmöte {n + 1}",
            date=datetime.date.today(),
            core_question="Vad gör störst skillnad för att eleverna ska nå målen?",
            usual_home_groups=True,
        )
        groups = []
        for group in meeting.home_groups():
            ids = [group_services.add_factor(group=group, text=t).pk for t in SEED_TEXTS]
            groups.append({"id": group.pk, "factors": ids})
        plan.append(
            {
                "code": meeting.join_code,
                "room_token": meeting.room_token,
                "factor_count": meeting.factor_count,
                "groups": groups,
            }
        )
    print(json.dumps(plan))


if __name__ == "__main__":
    main(int(sys.argv[1]))
