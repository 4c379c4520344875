"""What a Trust's pages show about its people, for templates whose views do not know it."""

from django import template

from trusts import services

register = template.Library()


@register.simple_tag
def seniority_to_confirm(person):
    """How many of the person's Trust colleagues they could confirm the seniority of now:
    0 for anyone who is not a confirmed director of a Trust."""
    if not services.confirms_for_trust(person):
        return 0
    return services.colleagues_awaiting_confirmation(person).count()
