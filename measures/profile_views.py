"""The profile page: one's own preferences (weekly digest, its language) and API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import policy
from .forms import PreferencesForm
from .models import Preferences


@login_required
def profile(request):
    preferences = policy.preferences_for_user(request.user)
    form = PreferencesForm(request.POST or None, instance=preferences)
    if request.method == "POST" and form.is_valid():
        # update_or_create: two first saves at once make one row, not an error.
        Preferences.objects.update_or_create(user=request.user, defaults=form.cleaned_data)
        messages.success(request, _("Your preferences are saved."))
        return redirect("profile")
    return render(
        request,
        "measures/profile.html",
        {
            "form": form,
            "units": request.user.units.all(),
            "focal_units": request.user.focal_units.all(),
        },
    )
