from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notice_bell(context):
    """The header's bell with the number of unread notices: one query, signed-in users only."""
    user = context.get("user")
    signed_in = bool(user and user.is_authenticated)
    return {
        "signed_in": signed_in,
        "unread": selectors.unread_count(user=user) if signed_in else 0,
        "request": context.get("request"),
    }
