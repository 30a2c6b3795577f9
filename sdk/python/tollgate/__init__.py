"""Tollgate's Python SDK: a client of the quota and credits API, and an ASGI middleware that guards endpoints."""

from .client import OPERATIONS, AsyncTollgateClient, TollgateClient, __version__
from .errors import InsufficientCredits, QuotaExceeded, TollgateError, TollgateUnavailable
from .middleware import Credits, Quota, TollgateMiddleware, default_tenant
from .models import (CreditGrant, CreditRefund, CreditSpend, QuotaCheck, QuotaConsume, QuotaRefund, QuotaStatus,
                     Release, Reservation, Settlement, UsageReport, UsageTotal, Wallet)

__all__ = [
    "AsyncTollgateClient", "CreditGrant", "CreditRefund", "CreditSpend", "Credits", "InsufficientCredits",
    "OPERATIONS", "Quota", "QuotaCheck", "QuotaConsume", "QuotaExceeded", "QuotaRefund", "QuotaStatus", "Release",
    "Reservation", "Settlement", "TollgateClient", "TollgateError", "TollgateMiddleware", "TollgateUnavailable",
    "UsageReport", "UsageTotal", "Wallet", "__version__", "default_tenant",
]
