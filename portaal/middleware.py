"""Request plumbing for every page: who the client is, which requests we refuse up front,
which policy a page gets, and what a visitor sees when the database is down."""
import ipaddress
import logging
import sys

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from .views import bad_request_page, is_staff_path, service_unavailable_page

logger = logging.getLogger(__name__)

# The public form sends a few kilobytes; 256 KB leaves room for every long answer at its
# maximum and refuses anything else before it is read. Staff pages keep Django's limits
# (the Excel upload needs up to 5 MB).
PUBLIC_MAX_BODY = 256 * 1024
ACCEPTED_CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii"}
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

MSG_NUL = _("Dit adres bevat een ongeldig teken (NUL). Ga terug en probeer het opnieuw "
            "zonder dat teken.")
MSG_CHARSET = _("Uw browser stuurde het formulier in een tekenset die wij niet lezen. Stuur het "
                "opnieuw vanuit een gewone browser (UTF-8).")
MSG_FILES = _("Dit formulier aanvaardt geen bestanden. Ga terug en verstuur het formulier "
              "zonder bijlage.")
MSG_TOO_BIG = _("Het formulier is te groot om te verwerken. Kort uw langste antwoorden in en "
                "probeer het opnieuw.")


def client_address(request) -> str:
    """The visitor's IP address; behind our one proxy (BEHIND_PROXY), the address that proxy
    added last to X-Forwarded-For (what a client writes there itself comes before it), as
    the axes settings read it."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            address = forwarded[-1]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        # A unix socket or a broken header: all such requests share one counter.
        return "0.0.0.0"  # noqa: S104 - a counter key, not a listening address


class RefuseFiles(FileUploadHandler):
    """Upload handler for public URLs: the first file part stops the parsing at its header,
    before a byte of it is kept in memory or spooled to disk."""

    refused = False

    def new_file(self, *args, **kwargs):
        self.refused = True
        raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data, start):
        return None

    def file_complete(self, file_size):
        return None


class RequestGuardMiddleware:
    """Refuses, before any body is read or spooled, what no page of ours accepts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def refusal(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            # PostgreSQL cannot store or compare text with NUL: it would end in a 500.
            return bad_request_page(MSG_NUL, path=request.path)
        if request.method not in BODY_METHODS:
            return None
        charset = (request.content_params or {}).get("charset", "").strip().lower()
        if charset and charset not in ACCEPTED_CHARSETS:
            return bad_request_page(MSG_CHARSET, path=request.path)
        if not is_staff_path(request.path):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return bad_request_page()
            if length > PUBLIC_MAX_BODY:
                return bad_request_page(MSG_TOO_BIG, status=413)
            if request.content_type == "multipart/form-data":
                return self.multipart_refusal(request)
        if request.content_type == "application/x-www-form-urlencoded":
            self.read_form_as_utf8(request)
        return None

    @staticmethod
    def read_form_as_utf8(request) -> None:
        """Django reads a form body that is not UTF-8 as Latin-1, so bytes like FF FE land in
        an answer as 'ÿþ' without a word. Read it as UTF-8 with U+FFFD where the bytes were
        not: the form then refuses that answer next to its field (portaal/text.py)."""
        try:
            body = request.body
        except RequestDataTooBig:
            return  # Django answers 400 when the view reads the form
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            request._post = QueryDict(body.decode("utf-8", "replace"), encoding="utf-8")
            request._files = MultiValueDict()

    @staticmethod
    def multipart_refusal(request):
        """Our public forms send no files: parse the fields here with a handler that stops
        at the first file part."""
        handler = RefuseFiles(request)
        request.upload_handlers = [handler]
        try:
            request.POST  # noqa: B018 - parse now, with the handler above
        except RequestDataTooBig:
            return bad_request_page(MSG_TOO_BIG, status=413)
        if handler.refused or request.FILES:
            return bad_request_page(MSG_FILES)
        return None


def is_database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, (OperationalError, InterfaceError))


def _mark_database_failure(sender, request=None, **kwargs):
    # Sent by Django inside its `except` block, whichever middleware or view raised.
    if request is not None and is_database_unavailable(sys.exc_info()[1]):
        request.portaal_database_unavailable = True


got_request_exception.connect(_mark_database_failure, dispatch_uid="portaal_database_unavailable")


class DatabaseUnavailableMiddleware:
    """A Dutch 503 with Retry-After instead of the 500 page while the database is unreachable.

    Views raise into ``process_exception``; an error in another middleware (a session saved
    on the way out) has already become a 500 by then, and the signal above marks it.
    Nothing here touches the database, and Django reconnects by itself on the next request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "portaal_database_unavailable", False):
            return service_unavailable_page()
        return response

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.error("Database onbereikbaar bij %s %s", request.method, request.path,
                     exc_info=exception)
        return service_unavailable_page()


class PortaalCSPMiddleware(CSPMiddleware):
    """The public policy everywhere; staff pages add 'unsafe-inline' styles, which the Django
    admin's templates and scripts still need."""

    def process_response(self, request, response):
        if is_staff_path(request.path) and getattr(response, "_csp_update", None) is None:
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return super().process_response(request, response)
