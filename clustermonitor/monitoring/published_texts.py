"""The published texts that are words, not figures: published_figures_2020.yaml keeps
them in English (the KPI definitions, two descriptions of other regions' policies); the
comparison page shows them in the reader's language."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

PUBLISHED_TEXTS = {
    gettext_noop("number of paying member companies of the IBN"),
    gettext_noop("number of paying members that joined during the project period"),
    gettext_noop(
        "successful collaboration initiatives started under impulse of the IBN with at least "
        '3 companies ("successful" = the project has started)'
    ),
    gettext_noop("3, extendable to 5"),
    gettext_noop("one shared cluster portal website and one shared CRM platform for all clusters"),
}


def in_words(value):
    """`value` in the reader's language when it is one of the published texts."""
    if isinstance(value, str) and value in PUBLISHED_TEXTS:
        return _(value)
    return value
