"""Questionnaires as XLSForm: read an uploaded .xlsx with pyxform, refuse what the web
questionnaire cannot show, and normalise the rest into `Questionnaire.definition`.

pyxform reads the workbook and converts it to an XForm first, so that everything it
rejects (an unknown choice list, a duplicate name, a reference to a missing question,
an unclosed group) is refused with pyxform's own message. Then the survey sheet is
checked row by row against the supported subset; every refusal names the row of the
survey sheet (as Excel numbers it, the header being row 1) and the construct, e.g.
"row 14: type 'geopoint' is not supported".

Supported: types ``select_one <list>``, ``select_multiple <list>``, ``integer``,
``decimal``, ``text``, ``note``, ``begin_group``/``end_group`` (not nested; appearance
none, ``field-list`` or ``table-list``: every group is one page, ``table-list`` a
matrix whose questions are selects from one choice list); columns ``label``, ``hint``,
``constraint_message``, ``required_message`` (each optionally per language:
``label::nl``, ``label::Nederlands (nl)``, ``label::en``, ...), ``required`` (yes/no),
``relevant`` and ``constraint`` (the subset of `surveys/expressions.py`), question
appearance ``minimal``, ``horizontal``, ``horizontal-compact``, ``likert`` (selects) and
``multiline`` (text). Refused: repeats, every other type, appearance and expression,
and the columns that change behaviour (calculation, default, choice_filter, trigger,
read_only, repeat_count, media, bind::, body::, instance::, save_to). Other columns
are ignored with a warning. Question names are unique in the whole form (answers are
keyed by name).

The definition (JSON)::

    {
      "schema": 1,
      "title": "IBN-ledenbevraging 2020", "version": "2020.1", "form_id": "...",
      "languages": ["nl", "en"], "default_language": "nl",
      "questions": [              # flat, in the order of the form
        {"name": "q1", "type": "select_one",   # select_one | select_multiple |
                                               # integer | decimal | text | note
         "label": {"nl": "...", "en": "..."}, "hint": {"nl": "", "en": ""},
         "choices": [{"name": "yes", "label": {"nl": "ja", "en": "yes"}}, ...],
         "list_name": "yesno",                 # "" unless a select
         "required": true, "required_message": {"nl": "", "en": ""},
         "relevant": "", "constraint": "", "constraint_message": {"nl": "", "en": ""},
         "appearance": "", "group": "p_activity", "row": 4},
        ...
      ],
      "groups": [                 # the pages, in order
        {"name": "p_activity", "label": {"nl": "...", "en": "..."},
         "appearance": "field-list", "matrix": false, "relevant": "",
         "row": 2, "implicit": false, "questions": ["intro", "q1", "q2"]},
        ...
      ],
      "warnings": ["..."]
    }

A question outside any group gets a page of its own (``"implicit": true``, named
``_<question name>``, without a label). Texts missing in one language fall back to the
other (English to Dutch first). ``{cluster}`` in any text is left as is; the web
questionnaire replaces it by the cluster's name.
"""

import copy
import re
from pathlib import PurePath

from django.utils.translation import gettext as _

from clustermonitor.core import tabular
from clustermonitor.surveys import expressions

SCHEMA = 1
LANGUAGES = ("nl", "en")
QUESTION_TYPES = ("select_one", "select_multiple", "integer", "decimal", "text", "note")
SELECT_TYPES = ("select_one", "select_multiple")
GROUP_APPEARANCES = ("", "field-list", "table-list")
QUESTION_APPEARANCES = {
    "select_one": ("", "minimal", "horizontal", "horizontal-compact", "likert"),
    "select_multiple": ("", "minimal", "horizontal", "horizontal-compact"),
    "text": ("", "multiline"),
    "integer": ("",),
    "decimal": ("",),
    "note": ("",),
}
TRANSLATABLE = ("label", "hint", "constraint_message", "required_message")
COLUMN_ALIASES = {
    "caption": "label",
    "relevance": "relevant",
    "constraining_message": "constraint_message",
    "requiredmsg": "required_message",
}
SUPPORTED_COLUMNS = {"type", "name", "required", "relevant", "constraint", "appearance"}
IGNORED_COLUMNS = {"guidance_hint", "rows", "sms_field", "tag"}
REFUSED_COLUMNS = {
    "calculation",
    "calculate",
    "default",
    "choice_filter",
    "trigger",
    "read_only",
    "readonly",
    "repeat_count",
    "count",
    "jr:count",
    "parameters",
    "image",
    "big-image",
    "audio",
    "video",
    "save_to",
    "autoplay",
    "noapperrorstring",
    "no_app_error_string",
}
REFUSED_PREFIXES = ("bind", "body", "control", "instance", "media")
SELECT_ALIASES = {  # pyxform's spellings, longest first when matching
    "select_one": "select_one",
    "select one": "select_one",
    "select1": "select_one",
    "select one from": "select_one",
    "add select one prompt using": "select_one",
    "select_multiple": "select_multiple",
    "select multiple": "select_multiple",
    "select all that apply": "select_multiple",
    "select all that apply from": "select_multiple",
    "add select multiple prompt using": "select_multiple",
}
SIMPLE_TYPES = {
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "text": "text",
    "string": "text",
    "note": "note",
}
CHOICE_ALIASES = {"list name": "list_name", "value": "name"}
YES = {"yes", "true", "true()"}
NO = {"no", "false", "false()", ""}
LANGUAGE_NAMES = {"nl": "nl", "dutch": "nl", "nederlands": "nl", "en": "en", "english": "en"}


class XLSFormError(ValueError):
    """The form cannot be used. `messages` says why (each naming a row where it can);
    `source` is "read" (not a workbook), "pyxform" (pyxform rejected it) or "subset"
    (outside what the web questionnaire supports)."""

    def __init__(self, messages: list[str], source: str):
        super().__init__("; ".join(messages))
        self.messages = list(messages)
        self.source = source


def parse(data: bytes, filename: str = "form.xlsx") -> dict:
    """The normalised definition of the XLSForm in `data` (see the module docstring);
    raises XLSFormError."""
    if PurePath(filename or "").suffix.lower() != ".xlsx":
        raise XLSFormError([_("Upload the XLSForm as an .xlsx workbook.")], "read")
    try:  # pyxform loads every sheet whole: first make sure they are of a form's size
        tabular.check_workbook(data, PurePath(filename).name, "XLSFORM_MAX_ROWS")
    except tabular.TableError as error:
        raise XLSFormError([str(error)], "read") from None
    workbook = _read(data)
    sheets = {
        "survey": copy.deepcopy(list(workbook.survey or [])),
        "choices": copy.deepcopy(list(workbook.choices or [])),
        "settings": copy.deepcopy(list(workbook.settings or [])),
    }
    warnings = _pyxform_check(workbook, PurePath(filename).stem)
    return _Normaliser(sheets, PurePath(filename).stem, warnings).run()


def _read(data: bytes):
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform

    try:
        workbook = get_xlsform(xlsform=bytes(data), file_type=".xlsx")
    except PyXFormError as error:
        raise XLSFormError(
            [_("The file could not be read as an XLSForm workbook: %(error)s") % {"error": error}],
            "read",
        ) from error
    except Exception as error:  # a damaged workbook can fail anywhere in openpyxl
        raise XLSFormError(
            [_("The file could not be read as an XLSForm workbook: %(error)s") % {"error": error}],
            "read",
        ) from error
    if not workbook.survey:
        raise XLSFormError([_("The workbook has no 'survey' sheet, or it is empty.")], "read")
    return workbook


def _pyxform_check(workbook, fallback_name: str) -> list[str]:
    """Convert with pyxform to an XForm; its refusal becomes ours, message and all."""
    from pyxform.builder import create_survey_element_from_dict
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json

    warnings: list[str] = []
    try:
        json_form = workbook_to_json(
            workbook_dict=workbook,
            form_name="data",
            fallback_form_name=fallback_name or "form",
            warnings=warnings,
        )
        create_survey_element_from_dict(json_form).to_xml(validate=False, warnings=warnings)
    except PyXFormError as error:
        raise XLSFormError([str(error)], "pyxform") from error
    except Exception as error:  # pyxform sometimes fails with a bare Python error
        raise XLSFormError([f"{type(error).__name__}: {error}"], "pyxform") from error
    return warnings


def _column(header: str) -> tuple[str, str | None]:
    """(base column, language code or None) of a sheet header."""
    base, _sep, language = header.partition("::")
    base = COLUMN_ALIASES.get(base.strip().lower().replace(" ", "_"), base.strip().lower())
    base = base.replace(" ", "_")
    if not _sep:
        return base, None
    return base, language.strip()


def _language_code(language: str) -> str | None:
    match = re.search(r"\(([A-Za-z-]+)\)\s*$", language)
    code = match.group(1) if match else language
    return LANGUAGE_NAMES.get(code.strip().lower())


def _complete(texts: dict) -> dict:
    """Fill a missing language from the unlabelled column, then the other language."""
    plain = texts.get(None, "")
    nl = texts.get("nl") or plain or texts.get("en", "")
    en = texts.get("en") or plain or texts.get("nl", "")
    return {"nl": nl, "en": en}


class _Normaliser:
    def __init__(self, sheets: dict, fallback_title: str, warnings: list[str]):
        self.sheets = sheets
        self.fallback_title = fallback_title
        self.warnings = [w.strip() for w in warnings if w and w.strip()]
        self.errors: list[str] = []
        self.ignored_languages: set[str] = set()
        self.ignored_columns: set[str] = set()

    def refuse(self, row: int, message: str) -> None:
        self.errors.append(_("row %(row)s: %(message)s") % {"row": row, "message": message})

    # -- cells -------------------------------------------------------------------------

    def cells(self, raw: dict, row: int | None) -> dict:
        """{(base, language) or (base, None): text} of one sheet row; refuses columns
        that change behaviour (survey sheet only, `row` given)."""
        out = {}
        for header, value in raw.items():
            if value is None or str(value).strip() == "":
                continue
            if header.startswith(("$", "_")):
                continue
            base, language = _column(header)
            if row is not None and (
                base in REFUSED_COLUMNS or (language is not None and base in REFUSED_PREFIXES)
            ):
                self.refuse(row, _("column '%(column)s' is not supported") % {"column": header})
                continue
            if language is not None:
                if base not in TRANSLATABLE:
                    self.ignored_columns.add(header)
                    continue
                code = _language_code(language)
                if code is None:
                    self.ignored_languages.add(language)
                    continue
                out[(base, code)] = str(value).strip()
            elif base in TRANSLATABLE or base in SUPPORTED_COLUMNS or base in ("list_name",):
                out[(base, None)] = str(value).strip()
            elif base not in IGNORED_COLUMNS:
                self.ignored_columns.add(header)
        return out

    def text(self, cells: dict, column: str) -> dict:
        texts = {None: cells.get((column, None), "")}
        texts.update({lang: cells.get((column, lang), "") for lang in LANGUAGES})
        return _complete(texts)

    # -- sheets ------------------------------------------------------------------------

    def settings(self) -> dict:
        rows = self.sheets["settings"]
        values = {}
        for raw in rows[:1]:
            for header, value in raw.items():
                if value is not None:
                    values[header.strip().lower()] = str(value).strip()
        return values

    def choice_lists(self) -> dict[str, list[dict]]:
        lists: dict[str, list[dict]] = {}
        for raw in self.sheets["choices"]:
            renamed = {CHOICE_ALIASES.get(k.strip().lower(), k): v for k, v in raw.items()}
            cells = self.cells(renamed, None)
            list_name = cells.get(("list_name", None), "")
            name = cells.get(("name", None), "")
            if not list_name or not name:
                continue
            lists.setdefault(list_name, []).append(
                {"name": name, "label": self.text(cells, "label")}
            )
        return lists

    def run(self) -> dict:
        settings = self.settings()
        self.default_language = _language_code(settings.get("default_language", "")) or "nl"
        lists = self.choice_lists()
        questions, groups = self.survey(lists)
        self.check_expressions(questions, groups)
        if self.errors:
            raise XLSFormError(self.errors, "subset")
        if self.ignored_languages:
            self.warnings.append(
                _("Only Dutch and English are used; ignored: %(languages)s")
                % {"languages": ", ".join(sorted(self.ignored_languages))}
            )
        if self.ignored_columns:
            self.warnings.append(
                _("Columns ignored: %(columns)s")
                % {"columns": ", ".join(sorted(self.ignored_columns))}
            )
        return {
            "schema": SCHEMA,
            "title": settings.get("form_title") or self.fallback_title,
            "version": settings.get("version", ""),
            "form_id": settings.get("form_id", ""),
            "languages": list(LANGUAGES),
            "default_language": self.default_language,
            "questions": questions,
            "groups": groups,
            "warnings": self.warnings,
        }

    def survey(self, lists: dict) -> tuple[list[dict], list[dict]]:
        questions: list[dict] = []
        groups: list[dict] = []
        names: dict[str, int] = {}
        current: dict | None = None
        for index, raw in enumerate(self.sheets["survey"]):
            row = index + 2
            cells = self.cells(raw, row)
            raw_type = re.sub(r"\s+", " ", cells.get(("type", None), "")).strip()
            if not raw_type:
                continue
            name = cells.get(("name", None), "")
            kind = raw_type.lower().replace("_", " ")
            if kind in ("begin group", "begin repeat", "begin loop", "begin looped group"):
                if kind != "begin group":
                    self.refuse(
                        row, _("repeats are not supported ('%(type)s')") % {"type": raw_type}
                    )
                    continue
                if current is not None:
                    self.refuse(row, _("a group inside a group is not supported"))
                    continue
                current = self.group(cells, name, row)
                groups.append(current)
            elif kind in ("end group", "end repeat", "end loop", "end looped group"):
                current = None
            else:
                question = self.question(cells, raw_type, name, row, lists)
                if question is None:
                    continue
                if name in names:
                    self.refuse(
                        row,
                        _("the name '%(name)s' is already used in row %(other)s")
                        % {"name": name, "other": names[name]},
                    )
                    continue
                names[name] = row
                if current is None:
                    groups.append(self.implicit_group(question))
                    question["group"] = groups[-1]["name"]
                else:
                    question["group"] = current["name"]
                    current["questions"].append(name)
                questions.append(question)
        by_name = {q["name"]: q for q in questions}
        for group in groups:
            if group["matrix"]:
                self.check_matrix(group, [by_name[n] for n in group["questions"]])
        return questions, [g for g in groups if g["questions"]]

    def group(self, cells: dict, name: str, row: int) -> dict:
        appearance = cells.get(("appearance", None), "").strip()
        if appearance not in GROUP_APPEARANCES:
            self.refuse(
                row,
                _("appearance '%(appearance)s' is not supported for a group")
                % {"appearance": appearance},
            )
        for column in ("constraint", "required"):
            if cells.get((column, None)):
                self.refuse(row, _("'%(column)s' on a group is not supported") % {"column": column})
        return {
            "name": name,
            "label": self.text(cells, "label"),
            "appearance": appearance,
            "matrix": appearance == "table-list",
            "relevant": cells.get(("relevant", None), ""),
            "row": row,
            "implicit": False,
            "questions": [],
        }

    def implicit_group(self, question: dict) -> dict:
        return {
            "name": f"_{question['name']}",
            "label": {lang: "" for lang in LANGUAGES},
            "appearance": "",
            "matrix": False,
            "relevant": "",
            "row": question["row"],
            "implicit": True,
            "questions": [question["name"]],
        }

    def question_type(self, raw_type: str, row: int) -> tuple[str | None, str]:
        lowered = raw_type.lower()
        for alias in sorted(SELECT_ALIASES, key=len, reverse=True):
            if lowered.startswith(alias + " "):
                rest = raw_type[len(alias) :].split()
                if "or_other" in [part.lower() for part in rest[1:]] or len(rest) != 1:
                    self.refuse(
                        row,
                        _("type '%(type)s' is not supported (or_other and similar)")
                        % {"type": raw_type},
                    )
                    return None, ""
                return SELECT_ALIASES[alias], rest[0]
        simple = SIMPLE_TYPES.get(lowered)
        if simple is None:
            self.refuse(row, _("type '%(type)s' is not supported") % {"type": raw_type})
        return simple, ""

    def question(self, cells, raw_type, name, row, lists) -> dict | None:
        kind, list_name = self.question_type(raw_type, row)
        if kind is None:
            return None
        appearance = cells.get(("appearance", None), "").strip()
        if appearance not in QUESTION_APPEARANCES[kind]:
            self.refuse(
                row,
                _("appearance '%(appearance)s' is not supported for type '%(type)s'")
                % {"appearance": appearance, "type": kind},
            )
        required_text = cells.get(("required", None), "").strip().lower()
        if required_text not in YES | NO:
            self.refuse(
                row,
                _("required must be yes or no; the expression '%(expression)s' is not supported")
                % {"expression": cells.get(("required", None))},
            )
        required = required_text in YES
        if kind == "note" and (required or cells.get(("constraint", None))):
            self.refuse(row, _("a note cannot be required or constrained"))
        return {
            "name": name,
            "type": kind,
            "label": self.text(cells, "label"),
            "hint": self.text(cells, "hint"),
            "choices": copy.deepcopy(lists.get(list_name, [])) if list_name else [],
            "list_name": list_name,
            "required": required,
            "required_message": self.text(cells, "required_message"),
            "relevant": cells.get(("relevant", None), ""),
            "constraint": cells.get(("constraint", None), ""),
            "constraint_message": self.text(cells, "constraint_message"),
            "appearance": appearance,
            "group": None,
            "row": row,
        }

    def check_matrix(self, group: dict, questions: list[dict]) -> None:
        lists = {q["list_name"] for q in questions}
        if any(q["type"] not in SELECT_TYPES for q in questions) or len(lists) > 1:
            self.refuse(
                group["row"],
                _(
                    "a table-list group may only hold select questions with one choice list "
                    "(group '%(group)s')"
                )
                % {"group": group["name"]},
            )

    def check_expressions(self, questions: list[dict], groups: list[dict]) -> None:
        answerable = {q["name"] for q in questions if q["type"] != "note"}
        items = [(q, "relevant", False) for q in questions]
        items += [(q, "constraint", True) for q in questions]
        items += [(g, "relevant", False) for g in groups if not g["implicit"]]
        for item, column, allow_current in items:
            text = item[column]
            if not text:
                continue
            try:
                expression = expressions.parse(text, allow_current=allow_current)
            except expressions.ExpressionError as error:
                self.refuse(
                    item["row"],
                    _("%(column)s '%(expression)s': %(error)s")
                    % {"column": column, "expression": text, "error": error},
                )
                continue
            for reference in sorted(expression.references - answerable):
                self.refuse(
                    item["row"],
                    _("%(column)s: ${%(name)s} is not a question of this form")
                    % {"column": column, "name": reference},
                )
