"""Who is calling: a browser session or a personal token (`Authorization: Bearer ilo_…`).

Both leave `request.user` set, so every endpoint asks `measures.policy` as the pages do; a
token's scope is one more limit on top of its owner's rights.
"""

from django.conf import settings
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle

from .tokens import token_for_secret


class TokenAuth(HttpBearer):
    def __init__(self, *, write=False):
        super().__init__()
        self.write = write

    def authenticate(self, request, token):
        found = token_for_secret(token)
        if found is None:
            return None
        if self.write and not found.allows_write:
            raise HttpError(403, "This token is read-only: create a read-write token to write.")
        request.user = found.user
        return found


class BrowserSession(SessionAuth):
    """The browser's session; writes need its CSRF token, as forms do.

    Ninja's SessionAuth checks CSRF before it looks for the session cookie: a script sending
    only its token would be refused. Without the cookie this is simply not a browser.
    """

    def __call__(self, request):
        if self.param_name not in request.COOKIES:
            return None
        return super().__call__(request)


READ = [TokenAuth(), BrowserSession()]
WRITE = [TokenAuth(write=True), BrowserSession()]


class PerCallerThrottle(SimpleRateThrottle):
    """`API_RATE_LIMIT` requests per period for each token, and for each session user.

    Counts live in Django's cache: per process with the default local-memory cache, shared
    when CACHES names a shared backend.
    """

    scope = "api"

    def __init__(self):
        super().__init__(rate=settings.API_RATE_LIMIT)

    def get_cache_key(self, request):
        caller = request.auth
        kind = "user" if caller == request.user else "token"
        return self.cache_format % {"scope": self.scope, "ident": f"{kind}-{caller.pk}"}
