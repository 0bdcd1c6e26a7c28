"""Several requests at the same instant, as phones of one group send them."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import close_old_connections

from meetings.errors import DomainError


def race(count: int, action: Callable[[int], object]) -> tuple[list[object], list[DomainError]]:
    """Run `action` in `count` threads released at once. Domain refusals are results; any
    other exception (a database error, a deadlock) fails the test."""
    start = threading.Barrier(count)
    done: list[object] = []
    refused: list[DomainError] = []
    crashed: list[BaseException] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            start.wait()
            result = action(index)
            with lock:
                done.append(result)
        except DomainError as error:
            with lock:
                refused.append(error)
        except BaseException as error:  # noqa: BLE001 — reported to the test below
            with lock:
                crashed.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert crashed == []
    return done, refused
