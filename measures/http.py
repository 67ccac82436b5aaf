"""What the views share about HTTP itself."""

import functools

from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect


def form_action(page, *names):
    """A form's action, POST only; but a GET of it (a reload, or the language switch, of the
    page its errors were shown at) goes back to the form's `page` (a URL name, with the
    view's keyword arguments `names`) instead of answering 405."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "GET":
                return redirect(page, **{name: kwargs[name] for name in names})
            if request.method != "POST":
                return HttpResponseNotAllowed(["GET", "POST"])
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
