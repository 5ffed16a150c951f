"""One question of the web questionnaire: its posted value read and checked, and what
the template needs to show it (texts in the respondent's language with the cluster's
name filled in, the choices, the error next to the field).

Stored answers (Response.answers, keyed by question name): select_one → the choice's
name (str); select_multiple → the chosen names (list, in the form's order); integer →
int; decimal → float; text → str. An unanswered or not relevant question has no key.
"""

import math
import re

from django.utils.translation import gettext as _

from clustermonitor.surveys import expressions

TEXT_MAX = 2000
#: XForms integers are 32-bit.
INTEGER_LIMIT = 2**31 - 1
DECIMAL_LIMIT = 1e15
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
CLUSTER = "{cluster}"


def text(texts: dict | None, language: str, cluster_name: str = "") -> str:
    """A text of the form in `language` (the other one when empty), with the cluster's
    name for "{cluster}"."""
    texts = texts or {}
    value = texts.get(language) or next((v for v in texts.values() if v), "")
    return value.replace(CLUSTER, cluster_name) if cluster_name else value


def empty(value) -> bool:
    return value is None or value == "" or value == []


def parse_value(question: dict, data) -> tuple[object, str | None, object]:
    """(value, error, raw) of `question` in the posted `data` (a QueryDict). A value that
    cannot be read, or is out of range, gives an error and no value; `raw` is what was
    posted, to show it again."""
    name, kind = question["name"], question["type"]
    choices = [c["name"] for c in question.get("choices", [])]
    if kind == "select_multiple":
        raw = [v for v in data.getlist(name) if v != ""]
        if any(v not in choices for v in raw):
            return None, _("Choose from the options shown."), raw
        return ([c for c in choices if c in raw] or None), None, raw
    raw = (data.get(name) or "").strip()
    if raw == "":
        return None, None, raw
    if kind == "select_one":
        if raw not in choices:
            return None, _("Choose one of the options shown."), raw
        return raw, None, raw
    if kind == "integer":
        compact = raw.replace(" ", "")
        if not _INTEGER.match(compact):
            return None, _("Enter a whole number, without dots or commas."), raw
        value = int(compact)
        if abs(value) > INTEGER_LIMIT:
            return None, _("This number is too large."), raw
        return value, None, raw
    if kind == "decimal":
        compact = raw.replace(" ", "")
        if not _DECIMAL.match(compact):
            return None, _("Enter a number, for example 12,5."), raw
        value = float(compact.replace(",", "."))
        if not math.isfinite(value) or abs(value) >= DECIMAL_LIMIT:
            return None, _("This number is too large."), raw
        return value, None, raw
    if kind == "text":
        if len(raw) > TEXT_MAX:
            return None, _("Use at most %(n)s characters.") % {"n": TEXT_MAX}, raw
        return raw, None, raw
    return None, None, raw  # a note has no value


def check(question: dict, value, answers: dict, language: str, *, require: bool) -> str | None:
    """The message for a value that breaks the question's constraint, or a missing
    answer to a required question (when `require`)."""
    if empty(value):
        if require and question.get("required"):
            return text(question.get("required_message"), language) or _(
                "This question needs an answer."
            )
        return None
    constraint = question.get("constraint")
    if constraint and not expressions.evaluate(constraint, answers, value, allow_current=True):
        return text(question.get("constraint_message"), language) or _(
            "This answer is not allowed."
        )
    return None


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)).replace(".", ",")
    return str(value)


def field(
    question: dict,
    *,
    language: str,
    cluster_name: str,
    value,
    raw=None,
    error: str | None = None,
    autofocus: bool = False,
) -> dict:
    """What the template needs for one question. `raw` (the posted text) is shown
    instead of `value` when the posted value was refused."""
    name, kind = question["name"], question["type"]
    field_id = f"q-{name}"
    selected = (
        set(raw if raw is not None and error else (value or []))
        if kind == "select_multiple"
        else {raw if raw is not None and error else value}
    )
    appearance = question.get("appearance", "")
    widget = {
        "select_one": "select" if appearance == "minimal" else "radio",
        "select_multiple": "checkbox",
        "integer": "number",
        "decimal": "number",
        "text": "textarea" if appearance == "multiline" else "text",
        "note": "note",
    }[kind]
    hint = text(question.get("hint"), language, cluster_name)
    described = [f"{field_id}-hint"] if hint else []
    if error:
        described.append(f"{field_id}-error")
    grouped = widget in ("radio", "checkbox") and question.get("choices")
    return {
        "name": name,
        "type": kind,
        "widget": widget,
        # where the error summary links to, and what gets the focus
        "anchor": f"{field_id}-0" if grouped else field_id,
        "id": field_id,
        "label": text(question.get("label"), language, cluster_name),
        "hint": hint,
        "required": bool(question.get("required")) and kind != "note",
        "error": error,
        "autofocus": autofocus,
        "describedby": " ".join(described),
        "horizontal": appearance in ("horizontal", "horizontal-compact", "likert"),
        "inputmode": "numeric" if kind == "integer" else "decimal",
        "value": str(raw)
        if (error and raw is not None and not isinstance(raw, list))
        else (_display(value)),
        "choices": [
            {
                "value": choice["name"],
                "label": text(choice.get("label"), language, cluster_name),
                "id": f"{field_id}-{index}",
                "checked": choice["name"] in selected,
            }
            for index, choice in enumerate(question.get("choices", []))
        ],
    }
