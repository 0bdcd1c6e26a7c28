"""The one way to lock rows for a write (pretix's one locking entry point).

Every service that must serialise writers locks with `lock()`: `SELECT ... FOR NO KEY UPDATE
OF` the rows themselves. "No key" lets other transactions go on inserting rows that point at
the locked one (a join while the facilitator edits the meeting, an idea while a group's
revision moves); "of self" never locks a row the query only joins (a group's lock does not
stop the other groups of its meeting). SQLite has no row locks: there the transaction itself
serialises writers.

Call it inside `transaction.atomic`; the rows stay locked until it commits.
"""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet


def lock[M: models.Model](rows: QuerySet[M] | type[M]) -> QuerySet[M]:
    """`rows` (a queryset, or a model for all its rows), to be read locked: narrow it with
    `.get(pk=...)`, `.filter(...)` or iterate it, as with any queryset."""
    queryset = rows._default_manager.all() if isinstance(rows, type) else rows
    return queryset.select_for_update(no_key=True, of=("self",))
