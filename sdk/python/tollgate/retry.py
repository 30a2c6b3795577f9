"""When to try a call again, and how long to wait first."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Callable, Optional

# 408 and 429 ask for a later try; 5xx may be a silo restarting. Other answers are final.
RETRIED_STATUSES = frozenset({408, 429})


def is_retried_status(status: int) -> bool:
    return status in RETRIED_STATUSES or status >= 500


def parse_retry_after(value: Optional[str],
                      now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP date; None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - now()).total_seconds()
    return max(0.0, seconds) if seconds == seconds else None  # NaN is unreadable


def backoff(attempt: int, base: float, cap: float, rand: Callable[[], float] = random.random) -> float:
    """The wait before attempt ``attempt + 1`` when Tollgate gave no ``Retry-After``: exponential, capped, the
    upper half jittered so that many clients failing together do not come back together."""
    ceiling = min(cap, base * (2 ** (attempt - 1)))
    return ceiling / 2 + rand() * ceiling / 2
