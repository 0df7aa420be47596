"""Retry helper for collectors: re-run a loader call when the server restarted."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from .db import close_pool
from .errors import DatabaseUnavailable, TransientConflict

T = TypeVar("T")


def retry(call: Callable[[], T], attempts: int = 5, delay: float = 0.5, backoff: float = 2.0) -> T:
    """Call `call()`; on DatabaseUnavailable or TransientConflict reset the pool and
    retry with backoff (`call` must run its whole transaction again).

    Loader calls are idempotent get-or-creates (or all-or-nothing batches), so a
    retried call never duplicates a profile.
    """
    wait = delay
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except (DatabaseUnavailable, TransientConflict):
            if attempt == attempts:
                raise
            close_pool()
            time.sleep(wait)
            wait *= backoff
    raise AssertionError("unreachable")
