from django import template

register = template.Library()


@register.filter
def duration(minutes) -> str:
    """120 -> '2 hours'; 90 -> '1 hour 30 minutes'."""
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


@register.filter
def get_item(mapping, key):
    """mapping[key], or '' when absent (templates cannot index by a variable)."""
    try:
        return mapping.get(str(key), "")
    except AttributeError:
        return ""
