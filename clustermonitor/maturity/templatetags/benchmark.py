"""Figures of the benchmark pages: a value in its indicator's unit, in the reader's
language (a share as a percentage, euros without cents, FTE with two decimals)."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def in_unit(value, unit: str) -> str:
    """``value`` (a number, or a benchmark Value) in ``unit``; "unknown" without one."""
    value = getattr(value, "value", value)
    if value is None:
        return _("unknown")
    value = float(value)
    if unit == "share":
        return f"{number_format(value * 100, 1, use_l10n=True)} %"
    if unit == "eur":
        return f"€ {number_format(round(value), 0, use_l10n=True, force_grouping=True)}"
    if unit == "fte":
        return number_format(value, 2, use_l10n=True)
    return number_format(value, 0 if value == int(value) else 1, use_l10n=True)


@register.filter
def source_label(value) -> str:
    return {"computed": _("computed"), "answered": _("answered"), "unknown": _("unknown")}.get(
        getattr(value, "source", value), ""
    )


@register.filter
def source_note(value) -> str:
    """Where a value comes from, or what is missing."""
    if getattr(value, "source", "") == "unknown":
        return "; ".join(value.missing)
    return getattr(value, "basis", "")


@register.filter
def indicator_label(indicator) -> str:
    from clustermonitor.core import i18n

    return indicator.label(i18n.lang())


def cells(values, indicators) -> list[tuple[str, str, bool]]:
    """A row of values as the page shows them: (text, where from, known)."""
    return [
        (in_unit(v, i.unit), f"{source_label(v)}: {source_note(v)}", v.known)
        for v, i in zip(values, indicators, strict=True)
    ]
