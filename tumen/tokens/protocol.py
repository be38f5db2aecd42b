"""The HTTP rules every endpoint of /api/v1/ shares: problem details, ETag / If-Match, and
Idempotency-Key. Endpoints stay thin: parse → authorize → call the service → render."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema, Status
from pydantic import ConfigDict, Field, StringConstraints

from tumen.lib.parse import MAX_ID
from tumen.tokens.models import IdempotentRequest


class FieldProblem(Schema):
    field: str | None = Field(
        description=(
            "Where the problem is, as the client sent it: a JSON Pointer into the request body "
            "(`/persons/0/name_latin`), or the name of a query parameter or header."
        )
    )
    code: str = Field(
        description=(
            "A stable code for the kind of problem: for a refusal by a service, the code of its "
            "message in the registry (tumen.lib.errors.MESSAGES), else `invalid`."
        )
    )
    params: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "The message's parameters as codes and values (a case type's code, a ground's "
            "code, a field key), for a client that words the message itself."
        ),
    )
    message: str = Field(description="What is wrong and how to fix it, in the Accept-Language.")


class Problem(Schema):
    """RFC 9457 problem details, served as application/problem+json."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "urn:tumen:problem:invalid",
                    "title": "The request has invalid values.",
                    "status": 422,
                    "code": "invalid",
                    "detail": "note: Say what was found; a clearance cannot be flagged "
                    "without a note.",
                    "errors": [
                        {
                            "field": "/note",
                            "code": "note_required",
                            "params": {"action": "flagged"},
                            "message": "note: Say what was found; a clearance cannot be flagged "
                            "without a note.",
                        }
                    ],
                }
            ]
        }
    )

    type: str
    title: str
    status: int
    code: str = Field(description="A stable code; clients branch on it, not on the text.")
    detail: str
    errors: list[FieldProblem] = Field(default_factory=list)


def _problems(*codes: int) -> dict[int, type[Problem]]:
    # 400: a body that is not JSON at all. 401: no valid token. 429: over the rate limit.
    return dict.fromkeys((400, *codes), Problem)


# Every endpoint may answer these; each operation adds its own (404, 409, 412, 428 …).
COMMON = _problems(401, 422, 429)
READ_ONE = _problems(401, 404, 422, 429)
CREATE = _problems(401, 403, 404, 409, 422, 429)
ACTION = _problems(401, 403, 404, 409, 412, 422, 428, 429)
# An action on a record without a version (acknowledging a directive): no If-Match.
UNVERSIONED_ACTION = _problems(401, 403, 404, 409, 422, 429)
# A read sent as POST (names in the body, not the address): a session without CSRF gets 403.
READ_BY_POST = _problems(401, 403, 422, 429)


class PreconditionRequired(Exception):
    """An update without If-Match: the client must say which version it read (428)."""


class PreconditionFailed(Exception):
    """If-Match names no version of this record (412)."""

    def __init__(self, current: int | None = None):
        super().__init__()
        self.current = current


class IdempotencyKeyReused(Exception):
    """The key was first used for another request (422)."""


def etag(version: int) -> str:
    return f'"{version}"'


_ETAG = re.compile(r'^(?:W/)?"?([0-9]{1,9})"?$')


def expected_version(if_match: str | None) -> int:
    """The version the client read, from If-Match (an ETag this API gave out)."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired()
    found = _ETAG.match(if_match.strip())
    if found is None:
        raise PreconditionFailed()
    return int(found.group(1))


IF_MATCH_DESCRIPTION = (
    "The ETag of the record as the client read it. Required: 428 without it, 412 when the "
    "record has changed since."
)
IDEMPOTENCY_DESCRIPTION = (
    "Any unique string (a UUID): a retry with the same key gets the first answer and changes "
    "nothing again."
)


class Retries(Schema):
    """The header of every create: Idempotency-Key."""

    idempotency_key: str | None = Field(
        None, alias="Idempotency-Key", description=IDEMPOTENCY_DESCRIPTION
    )


class Preconditions(Retries):
    """The headers of every action on a versioned record: If-Match and Idempotency-Key."""

    if_match: str | None = Field(None, alias="If-Match", description=IF_MATCH_DESCRIPTION)


_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.body):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def _replay(found: IdempotentRequest, request: HttpRequest, response: HttpResponse):
    if found.fingerprint != _fingerprint(request):
        raise IdempotencyKeyReused()
    for name, value in found.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return Status(found.status, found.body)


Outcome = tuple[int, Any, dict[str, str]]


def once(
    request: HttpRequest, response: HttpResponse, headers: Retries, run: Callable[[], Outcome]
) -> Status:
    """Run a create or an action at most once per Idempotency-Key.

    The answer is stored in the transaction of the change, under a unique (official, key): a
    retry finds it and is answered the same; two copies racing each other cannot both commit.
    Failures are not stored: nothing changed, so a retry may succeed.
    """
    key = headers.idempotency_key
    if key is None:
        status, body, headers = run()
    else:
        if not _KEY.match(key):
            raise ValidationError(
                {
                    "Idempotency-Key": [
                        _("Idempotency-Key: use 1 to 200 printable ASCII characters, no spaces.")
                    ]
                }
            )
        official = request.auth
        found = IdempotentRequest.objects.filter(official=official, key=key).first()
        if found is not None:
            return _replay(found, request, response)
        try:
            with transaction.atomic():
                status, body, headers = run()
                body = _plain(body)
                IdempotentRequest.objects.create(
                    official=official,
                    key=key,
                    fingerprint=_fingerprint(request),
                    status=status,
                    body=body,
                    headers=headers,
                    created_at=timezone.now(),
                )
        except IntegrityError:
            found = IdempotentRequest.objects.filter(official=official, key=key).first()
            if found is None:
                raise
            return _replay(found, request, response)
    for name, value in headers.items():
        response[name] = value
    return Status(status, body)


def act(
    request: HttpRequest,
    response: HttpResponse,
    headers: Preconditions,
    change: Callable[[int], Any],
    answer: Callable[[Any], tuple[Schema, int]],
    *,
    status: int = 200,
    location: Callable[[Any], str] | None = None,
) -> Status:
    """An action on a versioned record, the same way on every endpoint: parse If-Match (428
    without it, 412 when it names no version), call the service with that version at most once
    per Idempotency-Key, and answer with the record as it is now and its new ETag.

    `change(version)` calls the one service function and returns what it changed; `answer`
    reads that back through the access module as (schema, version); `location`, for an action
    that makes a new record (a re-typed case), gives its address.
    """
    version = expected_version(headers.if_match)

    def run() -> Outcome:
        changed = change(version)
        body, now = answer(changed)
        answered = {"ETag": etag(now)}
        if location is not None:
            answered["Location"] = location(changed)
        return status, body, answered

    return once(request, response, headers, run)


def parameter_problem(name: str, message: str) -> ValidationError:
    """A refused query parameter or header: its name is reported as it is, not as a pointer."""
    return ValidationError({f"?{name}": [message]})


def _plain(body: Any) -> Any:
    return body.model_dump(mode="json") if isinstance(body, Schema) else body


# Bounded input types: a database must never see a NUL, an integer past 64 bits or an unbounded
# string, whatever a client sends (PostgreSQL refuses NUL in text; SQLite overflows on 2**63).
# The same rules as tumen.lib.parse applies to the pages, declared here in the OpenAPI document.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def text(max_length: int, *, min_length: int = 0) -> Any:
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length, pattern=r"^[^\x00]*$"),
    ]
