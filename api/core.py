"""The API object: JSON with conditional GETs, and errors in the same JSON shape."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import parse_http_date_safe
from ninja import Field, NinjaAPI, Schema
from ninja.pagination import PageNumberPagination

from .auth import READ, PerCallerThrottle

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


class TrackerAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        """Every successful GET carries an ETag of its body (and the Last-Modified an endpoint
        set): a client that sends it back gets 304 Not Modified."""
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            patch_vary_headers(response, ["Cookie", "Authorization", "Accept-Language"])
            patch_cache_control(response, private=True, no_cache=True)
            set_response_etag(response)
            return get_conditional_response(
                request,
                etag=response["ETag"],
                last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
                response=response,
            )
        return response


class Pages(PageNumberPagination):
    """Page-numbered lists in a stable order; `count` is the number of items on all pages."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, **kwargs):
        super().__init__(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)


THROTTLE = PerCallerThrottle()

api = TrackerAPI(
    title="ilo_tracker API",
    version="1",
    description=(
        "Implementation plans, their action lines with status as of a date, status updates "
        "and the results frameworks. Authenticate with a browser session or a personal token "
        "(`Authorization: Bearer ilo_…`, created on your API tokens page)."
    ),
    auth=READ,
    throttle=[THROTTLE],
    docs_decorator=login_required,
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "You may not do this."}, status=403)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)
