"""The REST API at /api/v1/: every app's `api.py` router, mounted once, with shared error rules.

Every error is RFC 9457 problem details (application/problem+json) with a stable `code`, the
fields as the client sent them, and a message in the request's Accept-Language (activated by
tumen.web.middleware.UserLanguageMiddleware). Bad input answers 4xx, never 5xx.
"""

from __future__ import annotations

import re
from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as SchemaError
from ninja.renderers import JSONRenderer

from tumen.lib.errors import StaleVersion, described, errors_by_field, raw_params, registered
from tumen.org.access import NotVisible, record_lost_denial
from tumen.tokens.auth import OfficialSession, PerClientThrottle, TokenAuth
from tumen.tokens.protocol import (
    IdempotencyKeyReused,
    PreconditionFailed,
    PreconditionRequired,
    etag,
)

PROBLEM_TYPE = "application/problem+json"
VERSIONED = ("CaseOut", "PersonOut", "ClearanceOut", "ForeignRequestOut", "ReportOut")
HEADERS = {
    "ETag": "The record's version; send it back as If-Match to change the record.",
    "Retry-After": "Seconds to wait before the next call.",
    "WWW-Authenticate": "How to authenticate: a bearer token.",
}


def _declare_headers(code: str, answer: dict) -> None:
    names = []
    schema_ref = str(answer.get("content", {}).get("application/json", {}).get("schema", {}))
    if code.startswith("2") and any(name in schema_ref for name in VERSIONED):
        names.append("ETag")
    names += {"429": ["Retry-After"], "401": ["WWW-Authenticate"], "412": ["ETag"]}.get(code, [])
    if names:
        answer["headers"] = {
            name: {"description": HEADERS[name], "schema": {"type": "string"}} for name in names
        }


SCALAR_EXAMPLES = {
    "integer": 1,
    "number": 1,
    "boolean": True,
    "date": "1963-06-01",
    "date-time": "1963-06-01T08:00:00Z",
    "string": "",
}


def example_of(schema: dict, components: dict, depth: int = 0):
    """An example value for `schema`: the schema's own example where it gives one, else one
    built from its parts, so that every response of the document shows one."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if schema.get("examples"):
        return schema["examples"][0]
    if depth > 8:
        return None
    if "anyOf" in schema:
        first = next((s for s in schema["anyOf"] if s.get("type") != "null"), {})
        return example_of(first, components, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "array":
        return [example_of(schema.get("items", {}), components, depth + 1)]
    if kind == "object" or "properties" in schema:
        return {
            name: example_of(part, components, depth + 1)
            for name, part in schema.get("properties", {}).items()
        }
    return SCALAR_EXAMPLES.get(schema.get("format", kind), SCALAR_EXAMPLES.get(kind))


def _follow(operation: str, key: str, value: str, *, if_match: bool = False) -> dict:
    parameters = {f"path.{key}": value}
    if if_match:
        parameters["header.If-Match"] = "$response.header.ETag"
    return {"operationId": operation, "parameters": parameters}


# OpenAPI links: what a client (and schemathesis' stateful phase) can do next with an answer.
LINKS = {
    ("tumen_people_api_person_create", "201"): {
        "ReadPerson": _follow("tumen_people_api_person_read", "person_id", "$response.body#/id"),
        "CorrectPerson": _follow(
            "tumen_people_api_person_correct", "person_id", "$response.body#/id", if_match=True
        ),
        "PersonTimeline": _follow(
            "tumen_people_api_person_timeline", "person_id", "$response.body#/id"
        ),
    },
    ("tumen_cases_api_case_create", "201"): {
        "ReadCase": _follow("tumen_cases_api_case_read", "number", "$response.body#/number"),
        "SubmitCase": _follow(
            "tumen_cases_api_case_submit", "number", "$response.body#/number", if_match=True
        ),
        "WithdrawCase": _follow(
            "tumen_cases_api_case_withdraw", "number", "$response.body#/number", if_match=True
        ),
        "CaseTimeline": _follow(
            "tumen_cases_api_case_timeline", "number", "$response.body#/number"
        ),
    },
    ("tumen_cases_api_foreign_request_create", "201"): {
        "ReadRequest": _follow(
            "tumen_cases_api_foreign_request_read", "request_id", "$response.body#/id"
        ),
        "SplitRequest": _follow(
            "tumen_cases_api_foreign_request_split",
            "request_id",
            "$response.body#/id",
            if_match=True,
        ),
    },
}


class TumenAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Declare errors as application/problem+json (how they are served), the headers each
        answer carries, and an example for every response."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.get("components", {}).get("schemas", {})
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for code, answer in operation.get("responses", {}).items():
                    _declare_headers(str(code), answer)
                    links = LINKS.get((operation.get("operationId"), str(code)))
                    if links:
                        answer["links"] = links
                    content = answer.get("content", {})
                    for media in content.values():
                        media.setdefault("example", example_of(media["schema"], components))
                    if str(code).startswith(("4", "5")) and "application/json" in content:
                        answer["content"] = {PROBLEM_TYPE: content["application/json"]}
        return schema


api = TumenAPI(
    title="Tumen",
    version="1",
    description=(
        "Cases, persons, clearances, decisions and directives of Tumen, under the same access "
        "rules as the pages: an official sees and changes only their jurisdiction's subtree, "
        "and a record that is not theirs answers exactly like one that does not exist. "
        "Authenticate with `Authorization: Bearer <token>` (`tumen token create`) or the "
        "signed-in session with its CSRF token. Versioned records carry an ETag; send it back "
        "as If-Match on every change. Creates and actions accept an Idempotency-Key."
    ),
    auth=[TokenAuth(), OfficialSession()],
    throttle=[PerClientThrottle()],
    renderer=JSONRenderer(),
    urls_namespace="api",
    docs_decorator=login_required,
)


def problem(
    request: HttpRequest,
    status: int,
    code: str,
    detail: str,
    errors: list[dict] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body = {
        "type": f"urn:tumen:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "code": code,
        "detail": detail,
        "errors": errors or [],
    }
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_TYPE
    for name, value in (headers or {}).items():
        response[name] = value
    return response


_INDEX = re.compile(r"\[([^\]]*)\]")


def as_sent(field: str) -> str | None:
    """A service's field key as the client sent it: `persons[0].name` → `/persons/0/name`.

    Query parameters (marked "?" by parameter_problem) and header names (capitalised, or with a
    hyphen) are reported by name.
    """
    if field == NON_FIELD_ERRORS:
        return None
    if field.startswith("?"):
        return field[1:]
    if "-" in field or field[:1].isupper():
        return field
    return "/" + _INDEX.sub(r".\1", field).replace(".", "/").strip("/").replace("//", "/")


@api.exception_handler(ValidationError)
def invalid_input(request, exc: ValidationError):
    # Each error carries the registered code of its message (tumen.lib.errors.MESSAGES) and its
    # parameters as codes and values; the message is in the request's language.
    by_field = errors_by_field(exc)
    errors = [
        {
            "field": as_sent(field),
            "code": found.code if registered(found.code) else "invalid",
            "params": raw_params(found.params) if registered(found.code) else {},
            "message": described(field, found),
        }
        for field, found_errors in by_field.items()
        for found in found_errors
    ]
    if set(by_field) == {NON_FIELD_ERRORS}:
        # Not a value but the record's state forbids it (a decided case cannot be withdrawn).
        return problem(request, 409, "conflict", errors[0]["message"], errors)
    return problem(request, 422, "invalid", errors[0]["message"], errors)


def _location(loc: tuple) -> str:
    where, *rest = loc or ("body",)
    if where == "body":
        # ninja puts the body under the view's argument name; the client never saw it.
        rest = rest[1:] if rest else rest
        return "/" + "/".join(str(part) for part in rest)
    return str(rest[0]) if rest else str(where)


@api.exception_handler(SchemaError)
def malformed_input(request, exc: SchemaError):
    errors = [
        {
            "field": _location(tuple(error.get("loc", ()))),
            "code": str(error.get("type", "invalid")),
            "message": _("%(field)s: %(problem)s")
            % {"field": _location(tuple(error.get("loc", ()))), "problem": error.get("msg", "")},
        }
        for error in exc.errors
    ]
    detail = errors[0]["message"] if errors else _("The request could not be read.")
    return problem(request, 422, "invalid", detail, errors)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    if isinstance(exc, NotVisible):
        record_lost_denial(exc)
    # One answer for "missing" and "not yours": the same code, text and headers.
    return problem(
        request,
        404,
        "not_found",
        _("No such record, or it is not within your jurisdiction."),
    )


@api.exception_handler(PermissionDenied)
def forbidden(request, exc: PermissionDenied):
    return problem(request, 403, "forbidden", str(exc) or _("Your role does not allow this."))


@api.exception_handler(StaleVersion)
def stale(request, exc: StaleVersion):
    return problem(request, 412, "stale_version", str(exc), headers={"ETag": etag(exc.current)})


@api.exception_handler(PreconditionFailed)
def precondition_failed(request, exc: PreconditionFailed):
    return problem(
        request,
        412,
        "stale_version",
        _("If-Match: send the ETag the record had when you read it."),
        [{"field": "If-Match", "code": "stale_version", "message": _("Not a current ETag.")}],
    )


@api.exception_handler(PreconditionRequired)
def precondition_required(request, exc: PreconditionRequired):
    message = _("If-Match: a change must say which version it was made against (its ETag).")
    return problem(
        request,
        428,
        "if_match_required",
        message,
        [{"field": "If-Match", "code": "required", "message": message}],
    )


@api.exception_handler(IdempotencyKeyReused)
def key_reused(request, exc: IdempotencyKeyReused):
    message = _("Idempotency-Key: this key was first used for another request; use a new one.")
    return problem(
        request,
        422,
        "idempotency_key_reused",
        message,
        [{"field": "Idempotency-Key", "code": "reused", "message": message}],
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc: AuthenticationError):
    return problem(
        request,
        401,
        "unauthenticated",
        _("Send a valid API token (Authorization: Bearer …) or sign in."),
        headers={"WWW-Authenticate": 'Bearer realm="tumen"'},
    )


@api.exception_handler(Throttled)
def throttled(request, exc: Throttled):
    wait = getattr(request, "rate_retry_after", 60)
    return problem(
        request,
        429,
        "rate_limited",
        _("Too many calls with this token; try again in %(seconds)d seconds.") % {"seconds": wait},
        headers={"Retry-After": str(wait)},
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return problem(request, exc.status_code, "http_error", str(exc))


def _mount() -> None:
    from tumen.authorizations.api import router as authorizations
    from tumen.cases.api import router as cases
    from tumen.directives.api import router as directives
    from tumen.org.api import router as org
    from tumen.people.api import router as people
    from tumen.reports.api import router as reports

    api.add_router("/", org)
    api.add_router("/", people)
    api.add_router("/", cases)
    api.add_router("/", directives)
    api.add_router("/", authorizations)
    api.add_router("/", reports)


_mount()
