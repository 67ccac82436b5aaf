"""The profile page where people create and revoke their personal API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from measures.policy import can_read_plans, require

from . import tokens as token_services
from .forms import TokenForm


@login_required
def tokens(request):
    require(can_read_plans(request.user))
    form, new_secret = TokenForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        token, new_secret = token_services.token_create(
            user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
        )
        # Shown on this response only: the secret is not stored and cannot be shown again.
        form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {"form": form, "new_secret": new_secret, "tokens": request.user.api_tokens.all()},
    )


@login_required
@require_POST
def token_revoke(request, token_id):
    require(can_read_plans(request.user))
    token = token_services.token_revoke(
        token=token_services.token_for_owner(request.user, token_id)
    )
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens")
