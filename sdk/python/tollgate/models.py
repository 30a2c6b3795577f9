"""The answers of Tollgate's API as dataclasses: the wire's camelCase fields in snake_case."""

from __future__ import annotations

import dataclasses
import re
import typing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, List, Mapping, Optional, Type, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class QuotaCheck:
    """``POST /v1/quota/check``: whether the amount fits, nothing deducted."""
    allowed: bool
    limit: int
    used: int
    remaining: int
    resets_at: Optional[datetime]


@dataclass(frozen=True)
class QuotaConsume:
    """``POST /v1/quota/consume``: the amount was deducted; ``consume_id`` names it for a refund."""
    allowed: bool
    limit: int
    used: int
    remaining: int
    resets_at: Optional[datetime]
    consume_id: str
    replayed: bool = field(default=False, metadata={"header": True})


@dataclass(frozen=True)
class QuotaRefund:
    """``POST /v1/quota/refund``: what was given back and the quota after it."""
    refunded: int
    limit: int
    used: int
    remaining: int
    resets_at: Optional[datetime]
    replayed: bool = field(default=False, metadata={"header": True})


@dataclass(frozen=True)
class QuotaStatus:
    """One of ``GET /v1/tenants/{tenantId}/quotas``."""
    quota_type: str
    limit: int
    used: int
    remaining: int
    resets_at: Optional[datetime]


@dataclass(frozen=True)
class CreditSpend:
    """``POST /v1/credits/consume``: ``spent`` credits were taken; ``spend_id`` names the spend for a refund."""
    balance: int
    held: int
    available: int
    spent: int
    spend_id: str
    replayed: bool = field(default=False, metadata={"header": True})


@dataclass(frozen=True)
class CreditRefund:
    """``POST /v1/credits/refund``."""
    refunded: int
    balance: int
    held: int
    available: int
    spend_id: str
    replayed: bool = field(default=False, metadata={"header": True})


@dataclass(frozen=True)
class Reservation:
    """``POST /v1/credits/reservations``: ``held`` credits set aside until ``expires_at``."""
    id: str
    held: int
    expires_at: datetime
    balance: int
    available: int
    replayed: bool = field(default=False, metadata={"header": True})


@dataclass(frozen=True)
class Settlement:
    """``POST /v1/credits/reservations/{id}/settle``: ``spent`` of the hold, ``released`` the rest."""
    spent: int
    released: int
    spend_id: Optional[str]
    balance: int
    held: int
    available: int
    replayed: bool = field(default=False, metadata={"header": True})


@dataclass(frozen=True)
class Release:
    """``POST /v1/credits/reservations/{id}/release``."""
    released: int
    balance: int
    held: int
    available: int
    replayed: bool = field(default=False, metadata={"header": True})


@dataclass(frozen=True)
class CreditGrant:
    """One grant of a wallet, in spend order."""
    id: str
    source: str
    priority: int
    remaining: int
    expires_at: Optional[datetime]


@dataclass(frozen=True)
class Wallet:
    """``GET /v1/tenants/{tenantId}/credits``."""
    balance: int
    held: int
    available: int
    grants: List[CreditGrant]


@dataclass(frozen=True)
class UsageTotal:
    """One period's total of one quota type."""
    period: str
    quota_type: str
    consumed: int
    refunded: int
    net: int


@dataclass(frozen=True)
class UsageReport:
    """``GET /v1/tenants/{tenantId}/usage``."""
    group_by: str
    items: List[UsageTotal]


def wire_name(name: str) -> str:
    """The wire's camelCase name of a snake_case field."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def wire_fields(cls: type) -> List[str]:
    """The wire names an answer type reads from the body (not those it takes from headers)."""
    return [wire_name(f.name) for f in dataclasses.fields(cls) if not f.metadata.get("header")]


def parse_instant(value: Any) -> Optional[datetime]:
    """An ISO 8601 instant from the wire (null stays None). .NET writes 1 to 7 fractional digits, and Python before
    3.11 reads only 3 or 6 and no ``Z``: the fraction is made 6 digits and ``Z`` an offset first."""
    if value is None:
        return None
    value = re.sub(r"\.(\d+)", lambda m: "." + m.group(1).ljust(6, "0")[:6], value.replace("Z", "+00:00"))
    return datetime.fromisoformat(value)


def from_wire(cls: Type[T], data: Mapping[str, Any], **header_fields: Any) -> T:
    """Builds an answer from its JSON object; a field the answer lacks is a ValueError naming it."""
    if not isinstance(data, Mapping):
        raise ValueError(f"Tollgate's answer for {cls.__name__} is not a JSON object")
    hints = typing.get_type_hints(cls)
    values = {}
    for f in dataclasses.fields(cls):
        if f.metadata.get("header"):
            if f.name in header_fields:
                values[f.name] = header_fields[f.name]
            continue
        name = wire_name(f.name)
        if name not in data:
            raise ValueError(f"Tollgate's answer for {cls.__name__} lacks {name}")
        values[f.name] = _convert(hints[f.name], data[name])
    return cls(**values)


def _convert(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) is typing.Union:
        return _convert(args[0], value)
    if typing.get_origin(hint) in (list, List):
        return [_convert(args[0], item) for item in value]
    if hint is datetime:
        return parse_instant(value)
    if dataclasses.is_dataclass(hint):
        return from_wire(hint, value)
    return value
