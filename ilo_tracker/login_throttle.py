"""Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed sign-ins for one account or
from one address, signing in is refused for LOGIN_COOLOFF_MINUTES; an administrator unlocks it
sooner by deleting the attempt under "Axes › Access attempts" in the admin."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' lockout check for sign-ins over HTTP.

    `authenticate()` called from code (the shell, the test client's `login()`) has no request,
    hence no address to count; Axes would refuse it outright. It goes on to the model backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def locked_out(request, response, credentials):
    """The sign-in page's answer to a locked-out attempt (AXES_LOCKOUT_CALLABLE)."""
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )
