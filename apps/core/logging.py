"""Logging helpers: every record carries the request id."""

import logging

from apps.core.request_context import current_request_id


class RequestIdFilter(logging.Filter):
    """Adds the request id, and drops what could carry a child's data into a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        # Django attaches the request object; its repr holds the query string (a search).
        if hasattr(record, "request"):
            record.request = None
        return True
