"""Who may do what. Every view asks here; nothing else decides access.

Roles are Django groups: secretariat staff update the lines of their own units, managers
update every line and publish reporting rounds, administrators (superusers) do everything.
"""

STAFF_GROUP = "Secretariat staff"
MANAGERS_GROUP = "Managers"


def is_manager(user):
    return user.is_superuser or user.groups.filter(name=MANAGERS_GROUP).exists()


def is_administrator(user):
    return user.is_active and user.is_superuser
