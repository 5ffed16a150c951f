"""The translation guard's two checks of a rendered page, shared by the permission matrix
(tests/test_permission_matrix.py, every page of every persona in Dutch) and the
translation test (tests/test_translations.py, every page in Dutch and English as the
first persona who may open it):

- every message looked up through gettext, pgettext or ngettext while the page is made
  has a Dutch translation (`Misses` records the lookups the Dutch catalogue misses);
- no raw ISO timestamps (2026-12-06T10:00, 2026-12-06 10:00:00+00:00) in the visible
  text (`visible_lines`, `TIMESTAMP`): dates and times are written the Belgian way.
"""

import html as htmlmod
import re

from django.utils.translation import trans_real

TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:T| )\d{2}:\d{2}")


def visible_lines(content: bytes) -> list[str]:
    text = content.decode()
    text = re.sub(r"(?is)<(script|style|textarea|option)\b.*?</\1>", "\n", text)
    # The first rows of an uploaded file, shown as the file has them.
    text = re.sub(r"(?is)<tbody data-file-cells>.*?</tbody>", "\n", text)
    text = re.sub(r"(?s)<!--.*?-->", "\n", text)
    text = re.sub(r"(?s)<[^>]*>", "\n", text)
    return [line.strip() for line in htmlmod.unescape(text).splitlines() if line.strip()]


class Misses:
    """Records the messages the Dutch catalogue is asked for and does not hold."""

    def __init__(self, monkeypatch):
        self.found: set[str] = set()
        catalogue = trans_real.translation("nl")
        gettext, ngettext = catalogue.gettext, catalogue.ngettext

        def recording_gettext(message):
            if message not in catalogue._catalog:
                self.found.add(message.replace(trans_real.CONTEXT_SEPARATOR, " | "))
            return gettext(message)

        def recording_ngettext(singular, plural, number):
            if (singular, 0) not in catalogue._catalog:
                self.found.add(singular.replace(trans_real.CONTEXT_SEPARATOR, " | "))
            return ngettext(singular, plural, number)

        monkeypatch.setattr(catalogue, "gettext", recording_gettext)
        monkeypatch.setattr(catalogue, "ngettext", recording_ngettext)

    def take(self) -> set[str]:
        found, self.found = self.found, set()
        return found
