"""A small, safe evaluator for the subset of XLSForm expressions the web questionnaire
supports in `relevant` and `constraint` (documented in docs/survey.md).

The subset:

- ``${name}``: the answer to another question ("" when unanswered; the chosen names
  joined by spaces for select_multiple, as in XForms)
- ``.``: the value being checked (constraints only)
- numbers (``3``, ``2.5``) and strings (``'yes'`` or ``"yes"``)
- comparisons ``=  !=  <  <=  >  >=`` (at most one per operand pair, no chains)
- ``and``, ``or``, ``not(...)`` and parentheses
- ``selected(${x}, 'v')``, ``count-selected(${x})``, ``string-length(.)`` (each also
  takes ``.`` or a ``${name}``)

Comparisons follow XPath 1.0: when either side is a number both are compared as
numbers (an empty or non-numeric string is NaN, so every comparison with it is false
except ``!=``); ``=`` and ``!=`` between two strings compare the strings; ``<``, ``>``,
``<=``, ``>=`` always compare numbers.

Anything else (arithmetic, ``div``, other functions such as ``today()``, XPath paths,
``if()``) is refused by `parse` with a message naming the construct, so a form that uses
it is refused at upload. Nothing is ever passed to Python's eval.
"""

import math
import re
from dataclasses import dataclass
from functools import lru_cache

FUNCTIONS = {"not", "selected", "count-selected", "string-length"}
COMPARISONS = {"=", "!=", "<", "<=", ">", ">="}


class ExpressionError(ValueError):
    """The expression is outside the supported subset, or malformed."""


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<ref>\$\{(?P<refname>[^}]*)\})
  | (?P<number>\d+(?:\.\d+)?|\.\d+)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op>!=|<=|>=|=|<|>)
  | (?P<current>\.)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
  | (?P<word>[A-Za-z_][\w.:-]*)
  """,
    re.VERBOSE,
)
_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    value: object = None


def tokenize(text: str) -> list[Token]:
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            rest = text[position:].split()[0]
            if rest[0] == "/" and rest[1:2].isalpha():
                raise ExpressionError(f"path '{rest}' is not supported")
            if rest[0] in "+-*/|":
                raise ExpressionError(f"operator '{rest[0]}' is not supported")
            raise ExpressionError(f"'{rest}' is not supported")
        kind = match.lastgroup if match.lastgroup != "refname" else "ref"
        chunk = match.group(0)
        position = match.end()
        if kind == "space":
            continue
        if kind == "ref":
            name = match.group("refname").strip()
            if not _NAME.match(name):
                raise ExpressionError(f"reference '{chunk}' is not a question name")
            tokens.append(Token("ref", chunk, name))
        elif kind == "number":
            tokens.append(Token("number", chunk, float(chunk)))
        elif kind == "string":
            tokens.append(Token("string", chunk, chunk[1:-1]))
        elif kind == "word":
            if chunk in ("and", "or"):
                tokens.append(Token(chunk, chunk))
            elif chunk in ("div", "mod"):
                raise ExpressionError(f"operator '{chunk}' is not supported")
            else:
                tokens.append(Token("word", chunk, chunk))
        else:
            tokens.append(Token(kind, chunk))
    return tokens


# The tree: ("num", float) ("str", str) ("ref", name) ("cur",) ("cmp", op, a, b)
# ("and", a, b) ("or", a, b) ("call", function, args)


class _Parser:
    def __init__(self, tokens: list[Token], allow_current: bool):
        self.tokens = tokens
        self.position = 0
        self.allow_current = allow_current

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, kind: str | None = None) -> Token:
        token = self.peek()
        if token is None:
            raise ExpressionError("the expression ends too early")
        if kind is not None and token.kind != kind:
            raise ExpressionError(f"'{token.text}' was not expected here")
        self.position += 1
        return token

    def parse(self):
        if not self.tokens:
            raise ExpressionError("the expression is empty")
        tree = self.or_expr()
        extra = self.peek()
        if extra is not None:
            raise ExpressionError(f"'{extra.text}' was not expected here")
        return tree

    def or_expr(self):
        tree = self.and_expr()
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            tree = ("or", tree, self.and_expr())
        return tree

    def and_expr(self):
        tree = self.comparison()
        while (token := self.peek()) is not None and token.kind == "and":
            self.take()
            tree = ("and", tree, self.comparison())
        return tree

    def comparison(self):
        tree = self.primary()
        token = self.peek()
        if token is not None and token.kind == "op":
            self.take()
            tree = ("cmp", token.text, tree, self.primary())
            following = self.peek()
            if following is not None and following.kind == "op":
                raise ExpressionError(f"chained comparison '{following.text}' is not supported")
        return tree

    def primary(self):
        token = self.take()
        if token.kind == "number":
            return ("num", token.value)
        if token.kind == "string":
            return ("str", token.value)
        if token.kind == "ref":
            return ("ref", token.value)
        if token.kind == "current":
            if not self.allow_current:
                raise ExpressionError("'.' can only be used in a constraint")
            return ("cur",)
        if token.kind == "lparen":
            tree = self.or_expr()
            self.take("rparen")
            return tree
        if token.kind == "word":
            following = self.peek()
            if following is None or following.kind != "lparen":
                if token.text in ("true", "false"):
                    raise ExpressionError(f"'{token.text}' needs parentheses: not supported")
                raise ExpressionError(f"'{token.text}' is not supported")
            if token.text not in FUNCTIONS:
                raise ExpressionError(f"function '{token.text}()' is not supported")
            return self.call(token.text)
        raise ExpressionError(f"'{token.text}' was not expected here")

    def call(self, function: str):
        self.take("lparen")
        args = []
        if (token := self.peek()) is not None and token.kind != "rparen":
            args.append(self.or_expr())
            while (token := self.peek()) is not None and token.kind == "comma":
                self.take()
                args.append(self.or_expr())
        self.take("rparen")
        wanted = {"not": 1, "selected": 2, "count-selected": 1, "string-length": 1}[function]
        if len(args) != wanted:
            raise ExpressionError(f"function '{function}()' takes {wanted} argument(s)")
        if function in ("selected", "count-selected") and args[0][0] not in ("ref", "cur"):
            raise ExpressionError(f"function '{function}()' needs a ${{question}} or '.'")
        if function == "selected" and args[1][0] not in ("str", "num"):
            raise ExpressionError("function 'selected()' needs a choice name as its second part")
        return ("call", function, tuple(args))


@dataclass(frozen=True)
class Expression:
    text: str
    tree: tuple

    @property
    def references(self) -> set[str]:
        found = set()

        def walk(node):
            if node[0] == "ref":
                found.add(node[1])
            elif node[0] in ("cmp",):
                walk(node[2])
                walk(node[3])
            elif node[0] in ("and", "or"):
                walk(node[1])
                walk(node[2])
            elif node[0] == "call":
                for arg in node[2]:
                    walk(arg)

        walk(self.tree)
        return found

    def evaluate(self, answers: dict, current=None) -> bool:
        """Whether the expression holds for `answers` (question name → stored answer),
        with `current` as the value of ``.``."""
        return _boolean(_value(self.tree, answers, current))


@lru_cache(maxsize=2048)
def parse(text: str, *, allow_current: bool = False) -> Expression:
    """The parsed expression; raises ExpressionError for anything outside the subset."""
    return Expression(text, _Parser(tokenize(text), allow_current).parse())


def evaluate(text: str, answers: dict, current=None, *, allow_current: bool = False) -> bool:
    return parse(text, allow_current=allow_current).evaluate(answers, current)


def _as_xpath(value):
    """A stored answer as XForms sees it: a number, or a string ("" when unanswered)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    return str(value)


def _number(value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    try:
        return float(str(value).strip())
    except ValueError:
        return math.nan


def _boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not math.isnan(value) and value != 0
    return value != ""


def _compare(op: str, left, right) -> bool:
    if op in ("=", "!=") and (isinstance(left, bool) or isinstance(right, bool)):
        same = _boolean(left) == _boolean(right)
        return same if op == "=" else not same
    if op in ("=", "!=") and isinstance(left, str) and isinstance(right, str):
        return (left == right) if op == "=" else (left != right)
    a, b = _number(left), _number(right)
    if op == "!=":
        return a != b
    return {
        "=": a == b,
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
    }[op]


def _selected_values(node, answers, current) -> list[str]:
    raw = current if node[0] == "cur" else answers.get(node[1])
    if raw is None or raw == "":
        return []
    if isinstance(raw, (list, tuple)):
        return [str(v) for v in raw]
    return str(raw).split()


def _value(node, answers: dict, current):
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "str":
        return node[1]
    if kind == "ref":
        return _as_xpath(answers.get(node[1]))
    if kind == "cur":
        return _as_xpath(current)
    if kind == "and":
        return _boolean(_value(node[1], answers, current)) and _boolean(
            _value(node[2], answers, current)
        )
    if kind == "or":
        return _boolean(_value(node[1], answers, current)) or _boolean(
            _value(node[2], answers, current)
        )
    if kind == "cmp":
        return _compare(
            node[1], _value(node[2], answers, current), _value(node[3], answers, current)
        )
    function, args = node[1], node[2]
    if function == "not":
        return not _boolean(_value(args[0], answers, current))
    if function == "selected":
        wanted = args[1][1]
        wanted = str(int(wanted)) if isinstance(wanted, float) and wanted.is_integer() else wanted
        return str(wanted) in _selected_values(args[0], answers, current)
    if function == "count-selected":
        return float(len(_selected_values(args[0], answers, current)))
    # string-length
    value = _value(args[0], answers, current)
    if isinstance(value, float):
        value = str(int(value)) if value.is_integer() else str(value)
    return float(len(str(value)))
