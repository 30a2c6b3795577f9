"""The client of Tollgate's quota and credits API, on the standard library only."""

from __future__ import annotations

import asyncio
import functools
import http.client
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from .errors import TollgateUnavailable, problem_error
from .models import (CreditRefund, CreditSpend, QuotaCheck, QuotaConsume, QuotaRefund, QuotaStatus, Release,
                     Reservation, Settlement, UsageReport, Wallet, from_wire)
from .retry import backoff, is_retried_status, parse_retry_after

__version__ = "0.1.0"

log = logging.getLogger("tollgate")

# The operations the client calls, by method name: (HTTP method, path template). The OpenAPI test checks these.
OPERATIONS: Dict[str, Tuple[str, str]] = {
    "consume": ("POST", "/v1/quota/consume"),
    "check": ("POST", "/v1/quota/check"),
    "refund": ("POST", "/v1/quota/refund"),
    "credits_consume": ("POST", "/v1/credits/consume"),
    "credits_refund": ("POST", "/v1/credits/refund"),
    "create_reservation": ("POST", "/v1/credits/reservations"),
    "settle_reservation": ("POST", "/v1/credits/reservations/{reservationId}/settle"),
    "release_reservation": ("POST", "/v1/credits/reservations/{reservationId}/release"),
    "quotas": ("GET", "/v1/tenants/{tenantId}/quotas"),
    "credits": ("GET", "/v1/tenants/{tenantId}/credits"),
    "usage": ("GET", "/v1/tenants/{tenantId}/usage"),
}


class _Answer:
    def __init__(self, status: int, headers: Mapping[str, str], body: Any):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def replayed(self) -> bool:
        return self.headers.get("idempotent-replayed", "").lower() == "true"


class TollgateClient:
    """Calls Tollgate with an API key (``X-Api-Key``), or a member's ``access_token`` (``Authorization: Bearer``,
    which :meth:`usage` needs: API keys may not read the usage report); one method per operation.

    Every mutating call carries an ``Idempotency-Key`` (``idempotency_key``, or a random one made per call) and is
    tried again under that same key on network errors, timeouts, 408, 429 and 5xx, up to ``max_attempts`` in all,
    waiting what ``Retry-After`` says or else a capped, jittered exponential backoff. ``timeout`` is per attempt.

    ``tenant_id`` is optional on the POST calls: a tenant's key acts for its own tenant; a platform key needs it.
    The methods block (urllib); from async code use :class:`AsyncTollgateClient`.
    """

    def __init__(self, base_url: str, api_key: Optional[str] = None, *, access_token: Optional[str] = None,
                 max_attempts: int = 3, timeout: float = 10.0,
                 backoff_base: float = 0.2, backoff_cap: float = 5.0, max_retry_after: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep):
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if (api_key is None) == (access_token is None):
            raise ValueError("Give an api_key or an access_token (one of the two)")
        self.base_url = base_url.rstrip("/")
        self._credentials = {"X-Api-Key": api_key} if api_key is not None \
            else {"Authorization": f"Bearer {access_token}"}
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_retry_after = max_retry_after
        self._sleep = sleep

    # --- quota -------------------------------------------------------------------------------------------------

    def consume(self, quota_type: str, amount: int = 1, *, tenant_id: Optional[str] = None,
                idempotency_key: Optional[str] = None) -> QuotaConsume:
        """Deducts ``amount``; raises :class:`QuotaExceeded` (nothing deducted) when it does not fit."""
        answer = self._call("consume", _body(quotaType=quota_type, amount=amount, tenantId=tenant_id),
                            idempotency_key=_key(idempotency_key))
        return from_wire(QuotaConsume, answer.body, replayed=answer.replayed)

    def check(self, quota_type: str, amount: int = 1, *, tenant_id: Optional[str] = None) -> QuotaCheck:
        """Whether ``amount`` fits, deducting nothing; raises :class:`QuotaExceeded` when it does not."""
        answer = self._call("check", _body(quotaType=quota_type, amount=amount, tenantId=tenant_id))
        return from_wire(QuotaCheck, answer.body)

    def refund(self, quota_type: str, amount: int, *, consume_id: Optional[str] = None,
               consume_idempotency_key: Optional[str] = None, tenant_id: Optional[str] = None,
               idempotency_key: Optional[str] = None) -> QuotaRefund:
        """Gives back ``amount`` of a consume named by its ``consume_id`` or the idempotency key it was made with.
        ``idempotency_key`` is the refund's own."""
        body = _body(quotaType=quota_type, amount=amount, consumeId=consume_id,
                     idempotencyKey=consume_idempotency_key, tenantId=tenant_id)
        answer = self._call("refund", body, idempotency_key=_key(idempotency_key))
        return from_wire(QuotaRefund, answer.body, replayed=answer.replayed)

    def quotas(self, tenant_id: str) -> List[QuotaStatus]:
        """Every quota of the tenant with what remains."""
        answer = self._call("quotas", path={"tenantId": tenant_id})
        return [from_wire(QuotaStatus, item) for item in answer.body]

    def usage(self, tenant_id: str, *, from_: Optional[str] = None, to: Optional[str] = None,
              quota_type: Optional[str] = None, group_by: Optional[str] = None) -> UsageReport:
        """Usage totals per ``day`` (the default) or ``month``; ``from_`` and ``to`` are ISO 8601 instants.
        Tollgate answers this to a member's ``access_token``, not to an API key (403 ``forbidden``)."""
        query = _body(**{"from": from_, "to": to, "quotaType": quota_type, "groupBy": group_by})
        answer = self._call("usage", path={"tenantId": tenant_id}, query=query)
        return from_wire(UsageReport, answer.body)

    # --- credits -----------------------------------------------------------------------------------------------

    def credits_consume(self, tool: str, units: int = 1, *, tenant_id: Optional[str] = None,
                        idempotency_key: Optional[str] = None) -> CreditSpend:
        """Spends the tool's credits per unit; raises :class:`InsufficientCredits` (nothing spent) when short."""
        answer = self._call("credits_consume", _body(tool=tool, units=units, tenantId=tenant_id),
                            idempotency_key=_key(idempotency_key))
        return from_wire(CreditSpend, answer.body, replayed=answer.replayed)

    def credits_refund(self, *, spend_id: Optional[str] = None, spend_idempotency_key: Optional[str] = None,
                       credits: Optional[int] = None, tenant_id: Optional[str] = None,
                       idempotency_key: Optional[str] = None) -> CreditRefund:
        """Gives back ``credits`` (all that is left when None) of a spend named by ``spend_id`` or its key."""
        body = _body(spendId=spend_id, idempotencyKey=spend_idempotency_key, credits=credits, tenantId=tenant_id)
        answer = self._call("credits_refund", body, idempotency_key=_key(idempotency_key))
        return from_wire(CreditRefund, answer.body, replayed=answer.replayed)

    def create_reservation(self, tool: str, units: int, ttl_seconds: int, *, tenant_id: Optional[str] = None,
                           idempotency_key: Optional[str] = None) -> Reservation:
        """Holds the credits of ``units`` of a tool for ``ttl_seconds`` (1-86400)."""
        body = _body(tool=tool, units=units, ttlSeconds=ttl_seconds, tenantId=tenant_id)
        answer = self._call("create_reservation", body, idempotency_key=_key(idempotency_key))
        return from_wire(Reservation, answer.body, replayed=answer.replayed)

    def settle_reservation(self, reservation_id: str, units: int, *, tenant_id: Optional[str] = None,
                           idempotency_key: Optional[str] = None) -> Settlement:
        """Spends what the job used (``units``, at most what is held) and releases the rest."""
        answer = self._call("settle_reservation", _body(units=units, tenantId=tenant_id),
                            path={"reservationId": reservation_id}, idempotency_key=_key(idempotency_key))
        return from_wire(Settlement, answer.body, replayed=answer.replayed)

    def release_reservation(self, reservation_id: str, *, tenant_id: Optional[str] = None,
                            idempotency_key: Optional[str] = None) -> Release:
        """Gives back all that the reservation holds."""
        body = _body(tenantId=tenant_id) if tenant_id is not None else None
        answer = self._call("release_reservation", body, path={"reservationId": reservation_id},
                            idempotency_key=_key(idempotency_key))
        return from_wire(Release, answer.body, replayed=answer.replayed)

    def credits(self, tenant_id: str) -> Wallet:
        """The tenant's balance, what is held and available, and its grants in spend order."""
        answer = self._call("credits", path={"tenantId": tenant_id})
        return from_wire(Wallet, answer.body)

    # --- the wire ----------------------------------------------------------------------------------------------

    def _call(self, operation: str, body: Optional[Dict[str, Any]] = None, *, path: Optional[Dict[str, str]] = None,
              query: Optional[Dict[str, Any]] = None, idempotency_key: Optional[str] = None) -> _Answer:
        method, template = OPERATIONS[operation]
        url = self.base_url + template.format(**{k: urllib.parse.quote(v, safe="") for k, v in (path or {}).items()})
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {**self._credentials, "Accept": "application/json",
                   "User-Agent": f"tollgate-python/{__version__}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        last_failure = "no attempt was made"
        last_status: Optional[int] = None
        last_problem: Optional[Dict[str, Any]] = None
        retry_after: Optional[float] = None
        for attempt in range(1, self.max_attempts + 1):
            try:
                answer = self._send(urllib.request.Request(url, data=data, headers=headers, method=method))
            except (OSError, http.client.HTTPException) as error:
                # Nothing came back (refused, reset, timed out): the call may or may not have run, so it is tried
                # again under the same Idempotency-Key, which makes Tollgate replay it if it did.
                last_failure = f"{method} {template}: {error!r}"
                last_status, last_problem, retry_after = None, None, None
            else:
                if 200 <= answer.status < 300:
                    return answer
                problem = _problem(answer)
                if not is_retried_status(answer.status) or (attempt == self.max_attempts and answer.status < 500):
                    raise problem_error(answer.status, problem, answer.headers)
                retry_after = parse_retry_after(answer.headers.get("retry-after"))
                last_failure = f"{method} {template}: Tollgate answered {answer.status}"
                last_status, last_problem = answer.status, problem
            if attempt == self.max_attempts:
                break
            wait = min(retry_after, self.max_retry_after) if retry_after is not None \
                else backoff(attempt, self.backoff_base, self.backoff_cap)
            log.info("Tollgate call %s failed (%s); attempt %d of %d in %.2fs", operation, last_failure, attempt + 1,
                     self.max_attempts, wait)
            self._sleep(wait)
        raise TollgateUnavailable(f"{last_failure} (after {self.max_attempts} attempts)", last_status, last_problem,
                                  retry_after)

    def _send(self, request: urllib.request.Request) -> _Answer:
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            raw = response.read()
            headers = {k.lower(): v for k, v in response.headers.items()}
            status = response.status if hasattr(response, "status") and response.status else response.code
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        return _Answer(status, headers, body)


class AsyncTollgateClient:
    """The same operations as coroutines, each run in a worker thread (``asyncio.to_thread``), so that a
    blocking urllib call never holds the event loop."""

    def __init__(self, client: TollgateClient):
        self.client = client


def _threaded(name: str):
    method = getattr(TollgateClient, name)

    @functools.wraps(method)
    async def call(self: AsyncTollgateClient, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(method, self.client, *args, **kwargs)

    return call


for _name in OPERATIONS:
    setattr(AsyncTollgateClient, _name, _threaded(_name))


def _body(**fields: Any) -> Dict[str, Any]:
    """The fields that have a value: an absent optional field is left out, not sent as null."""
    return {k: v for k, v in fields.items() if v is not None}


def _key(given: Optional[str]) -> str:
    return given if given is not None else f"tg-py-{uuid.uuid4()}"


def _problem(answer: _Answer) -> Dict[str, Any]:
    if isinstance(answer.body, dict):
        return answer.body
    return {"status": answer.status, "title": http.client.responses.get(answer.status, "Error"),
            "detail": answer.body if isinstance(answer.body, str) else None}
