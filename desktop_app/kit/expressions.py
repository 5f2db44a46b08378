"""A small, safe expression language for skip logic (`show_if`).

Grammar (a subset of Python syntax, parsed with `ast` and interpreted here, never `eval`):
    names (question ids, `-` allowed and read as `_` is *not* supported: use ids with `_`),
    string / number / boolean literals, lists of literals,
    == != < <= > >=, `in`, `not in`, `and`, `or`, `not`, parentheses,
    `answered(q)` : the question has an answer,
    `count(q)`    : number of selected choices of a multiple-choice question.

Examples: `financement == 'cpo'`, `nb_qpv > 1 and role in ['pilote', 'copilote']`,
`'autre' in financeurs`, `not answered(siret)`.
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


@dataclass(frozen=True)
class Expression:
    source: str
    tree: ast.Expression
    names: frozenset[str]

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return bool(_Interpreter(answers).visit(self.tree.body))


@lru_cache(maxsize=2048)
def parse(source: str) -> Expression:
    """Parse and check an expression; raise ExpressionError with a French message."""
    text = source.strip()
    if not text:
        raise ExpressionError("expression vide")
    try:
        tree = ast.parse(text, mode="eval")
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
