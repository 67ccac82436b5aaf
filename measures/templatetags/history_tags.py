from django import template

from measures.policy import can_read_history

register = template.Library()


@register.filter
def may_read_history(user, line):
    """For links: whether `user` may open the change history of `line`."""
    return can_read_history(user, line)
