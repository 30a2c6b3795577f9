"""A plain ASGI middleware that puts a quota or credits guard in front of endpoints (no web framework imported).

Install it INSIDE the app's own authentication, so that authentication answers first and an unauthenticated call
deducts nothing: with Starlette or FastAPI, ``add_middleware`` wraps what was added before, so add Tollgate's first
and the authentication middleware after it. The authentication names the tenant for the resolver (by default
``scope["state"]["tollgate_tenant"]``, i.e. ``request.state.tollgate_tenant``, or the ``tollgate_tenant`` or
``tenant_id`` of ``scope["user"]``).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import math
import re
import uuid
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Tuple, Union

from .client import AsyncTollgateClient, TollgateClient
from .errors import InsufficientCredits, QuotaExceeded, TollgateError, TollgateUnavailable
from .retry import parse_retry_after

log = logging.getLogger("tollgate.middleware")

Scope = Dict[str, Any]
Headers = List[Tuple[bytes, bytes]]
TenantResolver = Callable[[Scope], Union[Optional[str], Awaitable[Optional[str]]]]

# The headers of Tollgate's 402 that the app's caller gets too.
_PASSED_ON = (b"x-quota-limit", b"x-quota-remaining", b"x-quota-reset", b"x-credits-remaining")
_MAX_KEY = 200


@dataclass(frozen=True)
class Quota:
    """Guard: deduct ``amount`` of ``quota_type`` (``{appId}/{key}``) before the endpoint runs."""
    quota_type: str
    amount: int = 1

    @property
    def name(self) -> str:
        return self.quota_type


@dataclass(frozen=True)
class Credits:
    """Guard: spend the credits of ``units`` of ``tool`` (``{appId}/{key}``) before the endpoint runs."""
    tool: str
    units: int = 1

    @property
    def name(self) -> str:
        return self.tool


Guard = Union[Quota, Credits]


def default_tenant(scope: Scope) -> Optional[str]:
    """The tenant the app's authentication named: ``request.state.tollgate_tenant``, else ``scope["user"]``'s
    ``tollgate_tenant`` or ``tenant_id`` attribute."""
    tenant = (scope.get("state") or {}).get("tollgate_tenant")
    if tenant:
        return tenant
    user = scope.get("user")
    return getattr(user, "tollgate_tenant", None) or getattr(user, "tenant_id", None)


class TollgateMiddleware:
    """Guards the routes named in ``guards``, keyed by ``(method, path)``; a path may hold ``{name}`` segments.

    - No tenant resolved: 401 ``tenant_required``, Tollgate is not called.
    - Exhausted: the endpoint does not run; the caller gets Tollgate's 402 problem and its ``X-Quota-*`` or
      ``X-Credits-Remaining`` headers.
    - Allowed: the endpoint runs and its response carries ``X-Quota-Limit``, ``X-Quota-Remaining`` and
      ``X-Quota-Reset`` (credits: ``X-Credits-Remaining``). With ``refund_on_server_error``, a 5xx or an exception
      from the endpoint gives the deduction back.
    - Tollgate unreachable or failing after the client's retries: 503 ``tollgate_unavailable`` with ``Retry-After``
      (logged as a warning), or, with ``fail_open``, the endpoint runs unguarded. Tollgate refusing the call itself
      (a wrong key, an unknown quota type: 401, 403, 404, 422) is logged as an error and answered 503 too, without
      Tollgate's detail.

    The incoming ``Idempotency-Key`` header, when there is one, makes the deduction's key (``mw:{quotaType}:{key}``),
    so a caller retrying a request is charged once.
    """

    def __init__(self, app: Callable, *, client: Union[TollgateClient, AsyncTollgateClient],
                 guards: Mapping[Tuple[str, str], Guard], tenant_resolver: TenantResolver = default_tenant,
                 refund_on_server_error: bool = False, fail_open: bool = False, unavailable_retry_after: int = 5):
        self.app = app
        self.client = client if isinstance(client, AsyncTollgateClient) else AsyncTollgateClient(client)
        self.routes = [(method.upper(), _template(path), guard) for (method, path), guard in guards.items()]
        self.tenant_resolver = tenant_resolver
        self.refund_on_server_error = refund_on_server_error
        self.fail_open = fail_open
        self.unavailable_retry_after = unavailable_retry_after

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        guard = self._guard(scope) if scope["type"] == "http" else None
        if guard is None:
            await self.app(scope, receive, send)
            return
        tenant = self.tenant_resolver(scope)
        if inspect.isawaitable(tenant):
            tenant = await tenant
        if not tenant:
            await _problem(send, 401, "tenant_required", "Unauthorized", "No tenant was resolved for this request.")
            return
        key = _idempotency_key(guard, scope)
        try:
            deduction = await self._deduct(guard, tenant, key)
        except (QuotaExceeded, InsufficientCredits) as refused:
            headers = [(name.encode(), value.encode()) for name, value in refused.headers.items()
                       if name.encode() in _PASSED_ON]
            await _send_json(send, 402, refused.problem, headers)
            return
        except ValueError as unreadable:
            log.error("Tollgate's answer to the guard %s of %s %s was not understood: %s", guard.name, scope["method"],
                      scope["path"], unreadable)
            await self._unavailable(send, None)
            return
        except (TollgateUnavailable, TollgateError) as failure:
            if isinstance(failure, TollgateError) and not _busy(failure):
                log.error("Tollgate refused the guard %s of %s %s with %s %s: %s (check the API key, its scopes, "
                          "the tenant resolved and the guard's name)", guard.name, scope["method"], scope["path"],
                          failure.status, failure.code, failure.detail)
                await self._unavailable(send, None)
                return
            log.warning("Tollgate is unavailable for %s %s (%s): %s", scope["method"], scope["path"], guard.name,
                        failure)
            if self.fail_open:
                await self.app(scope, receive, send)
                return
            retry_after = failure.retry_after if isinstance(failure, TollgateUnavailable) \
                else parse_retry_after(failure.headers.get("retry-after"))
            await self._unavailable(send, retry_after)
            return
        await self._run(scope, receive, send, guard, tenant, key, deduction)

    def _guard(self, scope: Scope) -> Optional[Guard]:
        method, path = scope["method"].upper(), scope["path"]
        for route_method, pattern, guard in self.routes:
            if route_method == method and pattern.fullmatch(path):
                return guard
        return None

    async def _deduct(self, guard: Guard, tenant: str, key: str) -> Tuple[Headers, Optional[str]]:
        """The headers for the endpoint's response and the id of the deduction, for a refund."""
        if isinstance(guard, Quota):
            consumed = await self.client.consume(guard.quota_type, guard.amount, tenant_id=tenant, idempotency_key=key)
            headers = [(b"x-quota-limit", str(consumed.limit).encode()),
                       (b"x-quota-remaining", str(consumed.remaining).encode())]
            if consumed.resets_at is not None:
                headers.append((b"x-quota-reset", str(int(consumed.resets_at.timestamp())).encode()))
            return headers, consumed.consume_id
        spent = await self.client.credits_consume(guard.tool, guard.units, tenant_id=tenant, idempotency_key=key)
        return [(b"x-credits-remaining", str(spent.available).encode())], spent.spend_id

    async def _run(self, scope: Scope, receive: Callable, send: Callable, guard: Guard, tenant: str, key: str,
                   deduction: Tuple[Headers, Optional[str]]) -> None:
        headers, deduction_id = deduction
        status: List[int] = []

        async def send_with_headers(message: Dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
                names = {name for name, _ in headers}
                message = dict(message, headers=[h for h in message.get("headers", []) if h[0].lower() not in names]
                               + headers)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if self.refund_on_server_error:
                await self._refund(guard, tenant, key, deduction_id, "raised an exception")
            raise
        if self.refund_on_server_error and (not status or status[0] >= 500):
            await self._refund(guard, tenant, key, deduction_id, f"answered {status[0] if status else 'nothing'}")

    async def _refund(self, guard: Guard, tenant: str, key: str, deduction_id: Optional[str], why: str) -> None:
        refund_key = key + ":refund"
        try:
            if isinstance(guard, Quota):
                await self.client.refund(guard.quota_type, guard.amount, consume_id=deduction_id, tenant_id=tenant,
                                         idempotency_key=refund_key)
            else:
                await self.client.credits_refund(spend_id=deduction_id, tenant_id=tenant, idempotency_key=refund_key)
            log.info("Refunded %s to tenant %s: the endpoint %s", guard.name, tenant, why)
        except (TollgateError, TollgateUnavailable) as failure:
            log.error("Could not refund %s to tenant %s after the endpoint %s: %s", guard.name, tenant, why, failure)

    async def _unavailable(self, send: Callable, retry_after: Optional[float]) -> None:
        seconds = max(1, math.ceil(retry_after)) if retry_after is not None else self.unavailable_retry_after
        await _problem(send, 503, "tollgate_unavailable", "Service unavailable",
                       "Usage limits cannot be checked right now; try again later.",
                       [(b"retry-after", str(seconds).encode())])


def _busy(error: TollgateError) -> bool:
    """408 and 429 after the client's last attempt: Tollgate is there but cannot take the call now."""
    return error.status in (408, 429)


def _template(path: str) -> "re.Pattern[str]":
    """``/items/{id}`` as a pattern matching one path segment for each ``{name}``."""
    parts = re.split(r"(\{[^/{}]+\})", path)
    return re.compile("".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts))


def _idempotency_key(guard: Guard, scope: Scope) -> str:
    """``mw:{name}:{the caller's Idempotency-Key}``, hashed when the caller's is long or not printable ASCII;
    a fresh key per request when the caller sent none."""
    given = next((value.decode("latin-1") for name, value in scope.get("headers", [])
                  if name.lower() == b"idempotency-key"), None)
    if not given:
        return f"mw:{guard.name}:{uuid.uuid4()}"
    key = f"mw:{guard.name}:{given}"
    if len(key) > _MAX_KEY or not all(" " <= c <= "~" for c in given):
        key = f"mw:{guard.name}:sha256:{hashlib.sha256(given.encode('latin-1')).hexdigest()}"
    return key


async def _problem(send: Callable, status: int, code: str, title: str, detail: str, headers: Headers = ()) -> None:
    problem = {"type": f"https://tollgate.dev/problems/{code}", "title": title, "status": status, "detail": detail,
               "code": code}
    await _send_json(send, status, problem, list(headers))


async def _send_json(send: Callable, status: int, problem: Mapping[str, Any], headers: Headers) -> None:
    body = json.dumps(problem).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode())] + headers})
    await send({"type": "http.response.body", "body": body})
