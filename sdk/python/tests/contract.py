"""Checks the client against an OpenAPI document: every operation it calls exists (method and path template),
every field and query parameter it sends is in that operation's request, every field it reads is in its answer."""

from __future__ import annotations

import copy
import typing
from typing import Any, Callable, Dict, List, Set

from scripted_server import Scripted, problem
from tollgate import OPERATIONS, TollgateClient, TollgateError
from tollgate.models import wire_fields

# Each operation called with every optional argument, so that every field the client can send is sent.
CALLS: Dict[str, Callable[[TollgateClient], Any]] = {
    "consume": lambda c: c.consume("a/q", 2, tenant_id="t", idempotency_key="k"),
    "check": lambda c: c.check("a/q", 2, tenant_id="t"),
    "refund": lambda c: c.refund("a/q", 1, consume_id="c", consume_idempotency_key="k", tenant_id="t",
                                 idempotency_key="r"),
    "credits_consume": lambda c: c.credits_consume("a/t", 1, tenant_id="t", idempotency_key="k"),
    "credits_refund": lambda c: c.credits_refund(spend_id="s", spend_idempotency_key="k", credits=1, tenant_id="t",
                                                 idempotency_key="r"),
    "create_reservation": lambda c: c.create_reservation("a/t", 1, 60, tenant_id="t", idempotency_key="k"),
    "settle_reservation": lambda c: c.settle_reservation("res_1", 1, tenant_id="t", idempotency_key="k"),
    "release_reservation": lambda c: c.release_reservation("res_1", tenant_id="t", idempotency_key="k"),
    "quotas": lambda c: c.quotas("t"),
    "credits": lambda c: c.credits("t"),
    "usage": lambda c: c.usage("t", from_="2026-01-01T00:00:00Z", to="2026-02-01T00:00:00Z", quota_type="a/q",
                               group_by="day"),
}


def sent_requests() -> Dict[str, Dict[str, Any]]:
    """What the client really sends for each operation: recorded by a local server answering 404 to all."""
    server = Scripted()
    try:
        client = TollgateClient(server.url, "tg_key", max_attempts=1)
        sent = {}
        for name, operation in CALLS.items():
            server.answers = [(404, {}, problem(404, "not_found"))]
            try:
                operation(client)
            except TollgateError:
                pass
            sent[name] = server.requests[-1]
        return sent
    finally:
        server.close()


def failures(document: Dict[str, Any], sent: Dict[str, Dict[str, Any]]) -> List[str]:
    found: List[str] = []
    if set(CALLS) != set(OPERATIONS):
        found.append(f"the contract test does not call {sorted(set(OPERATIONS) - set(CALLS))}")
    for name, (method, template) in OPERATIONS.items():
        operation = document.get("paths", {}).get(template, {}).get(method.lower())
        if operation is None:
            found.append(f"{name}: {method} {template} is not in the document")
            continue
        request = sent[name]
        path, _, query = request["path"].partition("?")
        if request["method"] != method or not _matches(template, path):
            found.append(f"{name}: the client sent {request['method']} {path}, not {method} {template}")
        if request["body"]:
            schema = _schema(document, operation.get("requestBody", {}).get("content", {})
                             .get("application/json", {}).get("schema", {}))
            for field in set(request["body"]) - _properties(document, schema):
                found.append(f"{name}: the client sends {field}, which the request schema lacks")
        parameters = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
        for field in {pair.split("=")[0] for pair in query.split("&") if pair} - parameters:
            found.append(f"{name}: the client sends the query parameter {field}, which the operation lacks")
        answer = typing.get_type_hints(getattr(TollgateClient, name))["return"]
        if typing.get_origin(answer) in (list, List):
            answer = typing.get_args(answer)[0]
        success = [code for code in operation.get("responses", {}) if code.startswith("2")]
        schema = _schema(document, operation["responses"][success[0]].get("content", {})
                         .get("application/json", {}).get("schema", {})) if success else {}
        if schema.get("type") == "array" or "array" in (schema.get("type") or []):
            schema = _schema(document, schema.get("items", {}))
        for field in set(wire_fields(answer)) - _properties(document, schema):
            found.append(f"{name}: the client reads {field}, which the answer's schema lacks")
    return found


def without(document: Dict[str, Any], *keys: str) -> Dict[str, Any]:
    """A copy of the document with the member at the path ``keys`` removed."""
    doctored = copy.deepcopy(document)
    holder = doctored
    for key in keys[:-1]:
        holder = holder[key]
    del holder[keys[-1]]
    return doctored


def _matches(template: str, path: str) -> bool:
    parts, wanted = template.split("/"), path.split("/")
    return len(parts) == len(wanted) and all(p.startswith("{") or p == w for p, w in zip(parts, wanted))


def _schema(document: Dict[str, Any], schema: Dict[str, Any]) -> Dict[str, Any]:
    while "$ref" in schema:
        node: Any = document
        for key in schema["$ref"].lstrip("#/").split("/"):
            node = node[key]
        schema = node
    return schema


def _properties(document: Dict[str, Any], schema: Dict[str, Any]) -> Set[str]:
    schema = _schema(document, schema)
    names = set(schema.get("properties", {}))
    for combined in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(combined, []):
            names |= _properties(document, part)
    return names
