"""Request-boundary work for the access module."""

from __future__ import annotations

from tumen.org.access import NotVisible, record_lost_denial


class DenialAuditMiddleware:
    """Make sure a refused attempt stays in the audit log even when its transaction rolled back.

    Views and the API let a service's NotVisible propagate as the shared 404; by the time it
    reaches this middleware the service's transaction is over, so the event can be re-written.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotVisible):
            record_lost_denial(exception)
        return None
