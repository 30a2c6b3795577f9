"""Typed errors: every answer Tollgate refuses carries its RFC 9457 problem document."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from .models import parse_instant


class TollgateError(Exception):
    """Tollgate answered with a problem document (status, code, title, detail and the other members).

    ``headers`` holds the answer's headers (lower-cased names), so a 402's ``X-Quota-*`` can be passed on.
    """

    def __init__(self, status: int, problem: Mapping[str, Any], headers: Optional[Mapping[str, str]] = None):
        self.status = status
        self.problem = dict(problem)
        self.headers = dict(headers or {})
        self.code: Optional[str] = _text(problem.get("code"))
        self.title: Optional[str] = _text(problem.get("title"))
        self.detail: Optional[str] = _text(problem.get("detail"))
        standard = {"type", "title", "status", "detail", "instance"}
        self.extensions = {k: v for k, v in self.problem.items() if k not in standard}
        super().__init__(f"Tollgate answered {status} {self.code or ''}: {self.detail or self.title or ''}"
                         .rstrip(": "))


class QuotaExceeded(TollgateError):
    """402 ``quota_exceeded``: the amount does not fit in what remains; nothing was deducted."""

    def __init__(self, status: int, problem: Mapping[str, Any], headers: Optional[Mapping[str, str]] = None):
        super().__init__(status, problem, headers)
        self.limit: Optional[int] = problem.get("limit")
        self.used: Optional[int] = problem.get("used")
        self.remaining: Optional[int] = problem.get("remaining")
        self.resets_at = parse_instant(problem.get("resetsAt"))


class InsufficientCredits(TollgateError):
    """402 ``insufficient_credits``: the available credits do not cover the spend; nothing was spent."""

    def __init__(self, status: int, problem: Mapping[str, Any], headers: Optional[Mapping[str, str]] = None):
        super().__init__(status, problem, headers)
        self.needed: Optional[int] = problem.get("needed")
        self.balance: Optional[int] = problem.get("balance")
        self.held: Optional[int] = problem.get("held")
        self.available: Optional[int] = problem.get("available")


class TollgateUnavailable(Exception):
    """Tollgate could not be reached, timed out or answered 5xx on every attempt.

    ``status`` and ``problem`` are the last answer's when there was one (a 5xx), else None;
    ``retry_after`` is the last ``Retry-After`` in seconds when Tollgate sent one.
    """

    def __init__(self, message: str, status: Optional[int] = None, problem: Optional[Mapping[str, Any]] = None,
                 retry_after: Optional[float] = None):
        super().__init__(message)
        self.status = status
        self.problem = dict(problem) if problem is not None else None
        self.retry_after = retry_after


def problem_error(status: int, problem: Mapping[str, Any], headers: Mapping[str, str]) -> TollgateError:
    """The typed error for a refusal: the 402s by their code, everything else the base error."""
    code = problem.get("code")
    if status == 402 and code == "quota_exceeded":
        return QuotaExceeded(status, problem, headers)
    if status == 402 and code == "insufficient_credits":
        return InsufficientCredits(status, problem, headers)
    return TollgateError(status, problem, headers)


def _text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None

