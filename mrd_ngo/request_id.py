"""The request id: one id per request, in the response, the access log and every log line of it.

nginx makes the id (`$request_id`) and passes it as X-Request-ID; without nginx (runserver, tests)
the middleware makes one. gunicorn's access log prints the response's X-Request-ID, so a 500 in
the error log and its line in the access log share the id.
"""
import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
# Only ids that cannot forge a log line or a header: letters, digits, dot, dash, underscore.
VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdMiddleware:
    """Take the request's id from X-Request-ID (when well formed) or make one; answer with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if VALID_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response.headers[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Give every log record the id of the request being served (`-` outside a request)."""

    def filter(self, record):
        request = getattr(record, "request", None)  # django.request passes the request itself
        record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True


class OneLineFormatter(logging.Formatter):
    """One record, one line: a traceback is kept but its line breaks become ` | `.

    A log collector (journald, a file grepped at 7 a.m.) then shows a whole error as one entry
    that carries the request id.
    """

    def format(self, record):
        return super().format(record).replace("\r", "").replace("\n", " | ")
