"""A small, safe expression language for skip logic (`show_if`).

Grammar (a subset of Python syntax, parsed with `ast` and interpreted here, never `eval`):
    names (question ids, `-` allowed and read as `_` is *not* supported: use ids with `_`),
    string / number / boolean literals, lists of literals,
    == != < <= > >=, `in`, `not in`, `and`, `or`, `not`, parentheses,
    `answered(q)` : the question has an answer,
    `count(q)`    : number of selected choices of a multiple-choice question.

Examples: `financement == 'cpo'`, `nb_qpv > 1 and role in ['pilote', 'copilote']`,
`'autre' in financeurs`, `not answered(siret)`.

Constraints (`constraint`) and calculations (`calculate`) use the same language, plus:
    `.` : the value of the question itself (constraints only; the kit loader refuses it elsewhere),
    arithmetic `+ - * /` on numbers (a blank operand gives a blank result, `/ 0` too).
Example: `. >= 0 and . <= nb_personnes`, `nb_adultes + nb_enfants`.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


class ExpressionError(ValueError):
    """An expression that is not part of the language; the message is French."""


_ALLOWED_FUNCS = {"answered", "count"}
# `.` in a source is read as this name (not a valid question id: ids start with a letter or digit)
SELF = "_self_"


def _replace_dot(text: str) -> str:
    """`.` standing alone (outside quotes, not in a number nor an attribute access) becomes SELF."""
    out: list[str] = []
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "." and not (i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_)]")) and not (
            i + 1 < len(text) and (text[i + 1].isalnum() or text[i + 1] in "_(")
        ):
            out.append(SELF)
            continue
        out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class Expression:
    source: str
    tree: ast.Expression
    names: frozenset[str]

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return bool(_Interpreter(answers).visit(self.tree.body))

    def value(self, answers: Mapping[str, Any]) -> Any:
        """The raw result (a number for a calculation, None when an operand is blank)."""
        return _Interpreter(answers).visit(self.tree.body)

    @property
    def uses_self(self) -> bool:
        return SELF in self.names


@lru_cache(maxsize=2048)
def parse(source: str) -> Expression:
    """Parse and check an expression; raise ExpressionError with a French message."""
    text = source.strip()
    if not text:
        raise ExpressionError("expression vide")
    try:
        tree = ast.parse(_replace_dot(text), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"syntaxe invalide dans « {text} » (colonne {exc.offset})") from None
    names: set[str] = set()
    _check(tree.body, names, text)
    return Expression(text, tree, frozenset(names))


def _check(node: ast.AST, names: set[str], text: str) -> None:
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value, names, text)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
        _check(node.operand, names, text)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        _check(node.left, names, text)
        _check(node.right, names, text)
    elif isinstance(node, ast.Compare):
        allowed = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)
        for op in node.ops:
            if not isinstance(op, allowed):
                raise ExpressionError(f"opérateur non autorisé dans « {text} »")
        _check(node.left, names, text)
        for comp in node.comparators:
            _check(comp, names, text)
    elif isinstance(node, ast.Name):
        if node.id in ("true", "false", "True", "False", "none", "None"):
            return
        names.add(node.id)
    elif isinstance(node, ast.Constant):
        if not isinstance(node.value, (str, int, float, bool, type(None))):
            raise ExpressionError(f"valeur non autorisée dans « {text} »")
    elif isinstance(node, (ast.List, ast.Tuple)):
        for elt in node.elts:
            if not isinstance(elt, ast.Constant):
                raise ExpressionError(f"une liste ne peut contenir que des valeurs dans « {text} »")
    elif isinstance(node, ast.Call):
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in _ALLOWED_FUNCS:
            raise ExpressionError(
                f"fonction non autorisée dans « {text} » (seules answered() et count() existent)"
            )
        if len(node.args) != 1 or node.keywords or not isinstance(node.args[0], ast.Name):
            raise ExpressionError(f"{func.id}() prend un identifiant de question dans « {text} »")
        names.add(node.args[0].id)
    else:
        raise ExpressionError(f"élément non autorisé dans « {text} »")


_CONSTANT_NAMES = {"true": True, "True": True, "false": False, "False": False, "none": None, "None": None}


class _Interpreter:
    def __init__(self, answers: Mapping[str, Any]):
        self.answers = answers

    def visit(self, node: ast.AST) -> Any:
        if isinstance(node, ast.BoolOp):
            if isinstance(node.op, ast.And):
                return all(self.visit(v) for v in node.values)
            return any(self.visit(v) for v in node.values)
        if isinstance(node, ast.UnaryOp):
            value = self.visit(node.operand)
            if isinstance(node.op, ast.Not):
                return not value
            return -value if isinstance(value, (int, float)) else None
        if isinstance(node, ast.BinOp):
            return _arith(node.op, self.visit(node.left), self.visit(node.right))
        if isinstance(node, ast.Compare):
            left = self.visit(node.left)
            for op, comp in zip(node.ops, node.comparators, strict=True):
                right = self.visit(comp)
                if not _compare(op, left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.Name):
            if node.id in _CONSTANT_NAMES:
                return _CONSTANT_NAMES[node.id]
            return self.answers.get(node.id)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            return [elt.value for elt in node.elts]  # type: ignore[attr-defined]
        if isinstance(node, ast.Call):
            value = self.answers.get(node.args[0].id)  # type: ignore[attr-defined]
            if node.func.id == "answered":  # type: ignore[attr-defined]
                return value not in (None, "", [])
            return len(value) if isinstance(value, (list, tuple)) else (0 if value in (None, "") else 1)
        raise ExpressionError("expression invalide")


def _arith(op: ast.operator, left: Any, right: Any) -> Any:
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right))
    if not numbers:
        if isinstance(op, ast.Add) and isinstance(left, str) and isinstance(right, str):
            return left + right
        return None
    if isinstance(op, ast.Add):
        return left + right
    if isinstance(op, ast.Sub):
        return left - right
    if isinstance(op, ast.Mult):
        return left * right
    return left / right if right else None


def _compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    try:
        if isinstance(op, ast.Eq):
            return _norm(left) == _norm(right)
        if isinstance(op, ast.NotEq):
            return _norm(left) != _norm(right)
        if isinstance(op, (ast.In, ast.NotIn)):
            if right is None:
                found = False
            elif isinstance(right, (list, tuple)):
                found = _norm(left) in [_norm(r) for r in right]
            else:
                found = str(left) in str(right)
            return found if isinstance(op, ast.In) else not found
        if left is None or right is None:
            return False
        if isinstance(op, ast.Lt):
            return left < right
        if isinstance(op, ast.LtE):
            return left <= right
        if isinstance(op, ast.Gt):
            return left > right
        if isinstance(op, ast.GtE):
            return left >= right
    except TypeError:
        return False
    return False


def _norm(value: Any) -> Any:
    """Compare numbers as numbers whatever their type, so `3 == 3.0` and `'3' != 3`."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    return value
