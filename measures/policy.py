"""Who may do what. Every view asks here; nothing else decides access.

Roles are Django groups: secretariat staff read every plan and update the lines of their own
units; managers update every line and publish reporting rounds; administrators (superusers) do
everything, including imports and the Django admin.
"""

from django.core.exceptions import PermissionDenied

STAFF_GROUP = "Secretariat staff"
MANAGERS_GROUP = "Managers"


def is_manager(user):
    return user.is_active and (
        user.is_superuser or user.groups.filter(name=MANAGERS_GROUP).exists()
    )


def is_administrator(user):
    return user.is_active and user.is_superuser


def can_read_plans(user):
    return user.is_authenticated and user.is_active


def can_update_line(user, line):
    """Managers update every line; staff only the lines of their own units."""
    if is_manager(user):
        return True
    return line.units.filter(members=user).exists()


def can_publish_round(user):
    return is_manager(user)


def can_import_plans(user):
    return is_administrator(user)


def require(allowed):
    """Raise 403 unless `allowed`: for views, so a forbidden action is never a silent no-op."""
    if not allowed:
        raise PermissionDenied
