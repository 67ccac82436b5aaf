"""Creating, finding and revoking personal API tokens."""

import secrets

from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import ApiToken, token_digest

PREFIX = "ilo_"


def token_create(*, user, name, scope):
    """A new token and its secret; the secret is shown once and never stored."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name, scope=scope, prefix=secret[:10], digest=token_digest(secret)
    )
    token.full_clean()
    token.save()
    return token, secret


def token_revoke(*, token):
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_for_secret(secret):
    """The usable token with this secret, its user loaded and its use recorded; else None."""
    token = (
        ApiToken.objects.usable()
        .select_related("user")
        .filter(digest=token_digest(secret))
        .first()
    )
    if token is not None:
        token.last_used_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token


def token_for_owner(user, token_id):
    """Only a token's owner sees or revokes it."""
    return get_object_or_404(ApiToken, pk=token_id, user=user)
