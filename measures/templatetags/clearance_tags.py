from django import template

from measures import policy

register = template.Library()


@register.filter
def may_clear_any(user):
    """For the navigation: whether `user` clears status updates (focal points, managers)."""
    return user.is_authenticated and policy.may_clear_any(user)
