"""``{% demo_tag obj %}``: an NHS.UK tag saying a row is demonstration data, else nothing.

The flagged keys are read once per request and model, so a list of a hundred rows
costs one query.
"""

from django import template
from django.utils.html import format_html

from demo import registry

register = template.Library()


def _keys(context, model):
    request = context.get("request")
    cache = getattr(request, "_demo_keys", None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            request._demo_keys = cache
    label = model._meta.label
    if label not in cache:
        cache[label] = registry.keys(model)
    return cache[label]


@register.simple_tag(takes_context=True)
def is_demo(context, obj):
    return obj is not None and str(obj.pk) in _keys(context, type(obj))


@register.simple_tag(takes_context=True)
def demo_tag(context, obj, text="Demonstration"):
    if not is_demo(context, obj):
        return ""
    return format_html('<strong class="nhsuk-tag nhsuk-tag--yellow">{}</strong>', text)
