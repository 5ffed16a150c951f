"""The interface language, reduced to one the application supports.

The UI speaks Dutch first and English second; every figure, label and report chapter picks
its words with a language code of exactly "nl" or "en". Django's active language can be a
regional variant ("en-gb") or unset (outside a request), so it is reduced here, in one place.
"""

from django.utils import translation

LANGUAGES = ("nl", "en")
DEFAULT = "nl"


def supported(code: str | None) -> str:
    """`code` ("en", "en-gb", "nl-be", None …) as "en" or "nl"; anything not English is Dutch."""
    return "en" if (code or DEFAULT).startswith("en") else DEFAULT


def lang() -> str:
    """The active language as "nl" or "en"."""
    return supported(translation.get_language())


def lang_index() -> int:
    """The active language as an index into a (Dutch, English) pair: 0 or 1."""
    return LANGUAGES.index(lang())
