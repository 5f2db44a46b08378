"""Translate skip logic between XLSForm (XPath with `${name}` references) and the kit's
expression language (`desktop_app.kit.expressions`).

XLSForm → kit: the expression is cut into tokens by pyxform's own lexer
(`pyxform.parsing.expression.parse_expression`), then rewritten token by token:
`${x}` → the kit id of x, `=` → `==`, `selected(${x}, 'a')` → `x == 'a'` (single choice) or
`'a' in x` (multiple choice), `count-selected(${x})` → `count(x)`, `not(…)` → `not (…)`,
`${x} != ''` → `answered(x)`, `true()` / `false()`, `.` → the question itself (constraints).
`+ - * div` → `+ - * /`. Anything else (`mod`, paths, other functions) raises `Untranslatable`
with a French reason.
The result is checked with `expressions.parse`.

Kit → XLSForm: the kit expression's syntax tree is written back as XPath.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from desktop_app.kit import expressions


class Untranslatable(ValueError):
    """An expression the other side cannot express; the message is French."""


SELF = "__self__"  # stands for `.` (the question being answered) in a translated constraint


def xpath_to_kit(source: str, ids: Mapping[str, str], types: Mapping[str, str], self_id: str | None = None) -> str:
    """Translate an XLSForm expression. `ids`: XLSForm name → kit id of the questions imported;
    `types`: kit id → kit question type. `self_id`: what `.` stands for (None: `.` refused)."""
    from pyxform.parsing.expression import parse_expression

    tokens: list = []
    for tok in parse_expression(source):  # the lexer cuts `>=` and `<=` in two: join them back
        if tok.type == "OPS_COMP" and tokens and tokens[-1].type == "OPS_COMP" and tok.value == "=":
            prev = tokens.pop()
            tok = tok.update(value=prev.value + "=")
        tokens.append(tok)
    out = _Translator(tokens, ids, types, self_id, source).run()
    text = " ".join(out.split())
    try:
        expressions.parse(text.replace(SELF, "self_"))
    except expressions.ExpressionError as exc:
        raise Untranslatable(f"expression non traduisible ({exc})") from None
    return ast.unparse(_Tidy().visit(ast.parse(text, mode="eval")))


class _Tidy(ast.NodeTransformer):
    """Write the translation as a person would: `x in ['a', 'b']` for `x == 'a' or x == 'b'`,
    `'a' not in x` for `not ('a' in x)`, no redundant parentheses (ast.unparse)."""

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Or) and len(node.values) > 1:
            names, values = set(), []
            for v in node.values:
                if (
                    isinstance(v, ast.Compare)
                    and len(v.ops) == 1
                    and isinstance(v.ops[0], ast.Eq)
                    and isinstance(v.left, ast.Name)
                    and isinstance(v.comparators[0], ast.Constant)
                    and not isinstance(v.comparators[0].value, bool)
                ):
                    names.add(v.left.id)
                    values.append(v.comparators[0])
                else:
                    return node
            if len(names) == 1:
                return ast.Compare(ast.Name(names.pop(), ast.Load()), [ast.In()], [ast.List(values, ast.Load())])
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        inner = node.operand
        if isinstance(node.op, ast.Not) and isinstance(inner, ast.Compare) and len(inner.ops) == 1:
            flip = {ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}.get(type(inner.ops[0]))
            if flip:
                return ast.Compare(inner.left, [flip()], inner.comparators)
        return node


class _Translator:
    def __init__(self, tokens, ids, types, self_id, source):
        self.tokens = tokens
        self.ids = ids
        self.types = types
        self.self_id = self_id
        self.source = source

    def run(self) -> str:
        return self._seq(0, len(self.tokens))

    def _ref(self, tok) -> str:
        """The kit id for a `${name}` or `.` token."""
        if tok.type == "PYXFORM_REF":
            name = tok.value[2:-1]
            if name.startswith("last-saved#"):
                raise Untranslatable("référence « last-saved » non prise en charge")
            if name not in self.ids:
                raise Untranslatable(f"la question « {name} » citée n'est pas importée")
            return self.ids[name]
        if tok.type == "SELF_REF":
            if self.self_id is None:
                raise Untranslatable("« . » (la question elle-même) n'a pas de sens ici")
            return self.self_id
        raise Untranslatable(f"« {tok.value} » n'est pas une référence de question")

    def _skip_ws(self, i: int, end: int) -> int:
        while i < end and self.tokens[i].type == "WHITESPACE":
            i += 1
        return i

    def _close(self, i: int, end: int) -> int:
        """Index of the parenthesis closing the one opened just before `i`."""
        depth = 1
        while i < end:
            t = self.tokens[i]
            if t.type in ("OPEN_PAREN", "FUNC_CALL"):
                depth += 1
            elif t.type == "CLOSE_PAREN":
                depth -= 1
                if depth == 0:
                    return i
            i += 1
        raise Untranslatable("parenthèse non fermée")

    def _args(self, start: int, end: int) -> list[tuple[int, int]]:
        """Split the tokens [start, end) of a call on its top-level commas."""
        args, depth, begin = [], 0, start
        for i in range(start, end):
            t = self.tokens[i]
            if t.type in ("OPEN_PAREN", "FUNC_CALL"):
                depth += 1
            elif t.type == "CLOSE_PAREN":
                depth -= 1
            elif t.type == "COMMA" and depth == 0:
                args.append((begin, i))
                begin = i + 1
        if any(self.tokens[j].type != "WHITESPACE" for j in range(begin, end)) or args:
            args.append((begin, end))
        return args

    def _single(self, span: tuple[int, int]):
        toks = [t for t in self.tokens[span[0] : span[1]] if t.type != "WHITESPACE"]
        if len(toks) != 1:
            raise Untranslatable("argument trop complexe")
        return toks[0]

    def _seq(self, i: int, end: int) -> str:
        out: list[str] = []
        while i < end:
            t = self.tokens[i]
            kind = t.type
            if kind == "WHITESPACE":
                i += 1
                continue
            if kind in ("PYXFORM_REF", "SELF_REF"):
                ref = self._ref(t)
                # `${x} != ''` / `${x} = ''`: answered or not
                j = self._skip_ws(i + 1, end)
                if j < end and self.tokens[j].type == "OPS_COMP" and self.tokens[j].value in ("=", "!="):
                    k = self._skip_ws(j + 1, end)
                    if k < end and self.tokens[k].type == "SYSTEM_LITERAL" and len(self.tokens[k].value) == 2:
                        out.append(f"answered({ref})" if self.tokens[j].value == "!=" else f"not answered({ref})")
                        i = k + 1
                        continue
                    if k < end and self.types.get(ref) == "yes_no" and self.tokens[k].type in ("SYSTEM_LITERAL", "NUMBER"):
                        out.append(f"{ref} {'==' if self.tokens[j].value == '=' else '!='} {_yes_no(self.tokens[k].value)}")
                        i = k + 1
                        continue
                out.append(ref)
                i += 1
            elif kind == "NUMBER":
                out.append(t.value)
                i += 1
            elif kind == "SYSTEM_LITERAL":
                out.append(repr(t.value[1:-1]))
                i += 1
            elif kind == "OPS_COMP":
                out.append("==" if t.value == "=" else t.value)
                i += 1
            elif kind == "OPS_BOOL":
                out.append(t.value.strip())
                i += 1
            elif kind == "OPEN_PAREN":
                close = self._close(i + 1, end)
                out.append("(" + self._seq(i + 1, close) + ")")
                i = close + 1
            elif kind == "FUNC_CALL":
                close = self._close(i + 1, end)
                out.append(self._call(t.value[:-1].strip(), i + 1, close))
                i = close + 1
            elif kind == "OPS_MATH":
                op = {"+": "+", "-": "-", "*": "*", "div": "/"}.get(t.value.strip())
                if op is None:
                    raise Untranslatable(f"calcul « {t.value.strip()} » non pris en charge")
                out.append(op)
                i += 1
            elif kind in ("PARENT_REF", "PATH_SEP", "NAME", "XPATH_PRED_START"):
                raise Untranslatable(f"chemin XPath « {t.value} » non pris en charge")
            else:
                raise Untranslatable(f"élément « {t.value} » non pris en charge")
        return " ".join(out)

    def _call(self, name: str, start: int, end: int) -> str:
        args = self._args(start, end)
        if name in ("true", "false") and not args:
            return name
        if name == "not" and len(args) == 1:
            return f"not ({self._seq(*args[0])})"
        if name == "selected" and len(args) == 2:
            ref = self._ref(self._single(args[0]))
            lit = self._single(args[1])
            if lit.type not in ("SYSTEM_LITERAL", "NUMBER"):
                raise Untranslatable("selected() attend une valeur de choix entre guillemets")
            value = lit.value[1:-1] if lit.type == "SYSTEM_LITERAL" else lit.value
            if self.types.get(ref) == "yes_no":
                return f"({ref} == {_yes_no(lit.value)})"
            if self.types.get(ref) == "multiple_choice":
                return f"({value!r} in {ref})"
            return f"({ref} == {value!r})"
        if name == "count-selected" and len(args) == 1:
            return f"count({self._ref(self._single(args[0]))})"
        raise Untranslatable(f"fonction {name}() non prise en charge")


def _yes_no(literal: str) -> str:
    value = literal.strip("'\"").lower()
    if value in ("yes", "oui", "1", "true", "vrai"):
        return "true"
    if value in ("no", "non", "0", "false", "faux"):
        return "false"
    raise Untranslatable(f"valeur « {value} » inattendue pour une question oui/non")


# --- kit → XLSForm --------------------------------------------------------------------------


def kit_to_xpath(source: str, types: Mapping[str, str]) -> str:
    """Write a kit expression as XPath; `types`: kit id → kit type (for `in`)."""
    tree = expressions.parse(source).tree.body
    return _XPath(types).visit(tree)


_MATH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "div"}
_OPS = {ast.Eq: "=", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


class _XPath:
    def __init__(self, types: Mapping[str, str]):
        self.types = types

    def visit(self, node: ast.AST) -> str:
        if isinstance(node, ast.BoolOp):
            op = " and " if isinstance(node.op, ast.And) else " or "
            return op.join(self._wrap(v) for v in node.values)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return f"not({self.visit(node.operand)})"
            return f"-{self.visit(node.operand)}"
        if isinstance(node, ast.Compare):
            parts = []
            left = node.left
            for op, right in zip(node.ops, node.comparators, strict=True):
                parts.append(self._compare(left, op, right))
                left = right
            return " and ".join(parts) if len(parts) == 1 else " and ".join(f"({p})" for p in parts)
        if isinstance(node, ast.BinOp):
            return f"{self._operand(node.left)} {_MATH[type(node.op)]} {self._operand(node.right)}"
        if isinstance(node, ast.Name):
            if node.id == expressions.SELF:
                return "."
            if node.id in ("true", "True"):
                return "true()"
            if node.id in ("false", "False"):
                return "false()"
            if node.id in ("none", "None"):
                return "''"
            return "${" + node.id + "}"
        if isinstance(node, ast.Constant):
            return _literal(node.value)
        if isinstance(node, ast.Call):
            arg = node.args[0].id  # type: ignore[attr-defined]
            ref = "." if arg == expressions.SELF else "${" + arg + "}"
            if node.func.id == "answered":  # type: ignore[attr-defined]
                return f"{ref} != ''"
            return f"count-selected({ref})"
        raise Untranslatable("élément non pris en charge")

    def _operand(self, node: ast.AST) -> str:
        text = self.visit(node)
        return f"({text})" if isinstance(node, (ast.BinOp, ast.BoolOp, ast.Compare)) else text

    def _wrap(self, node: ast.AST) -> str:
        text = self.visit(node)
        return f"({text})" if isinstance(node, ast.BoolOp) else text

    def _compare(self, left: ast.AST, op: ast.cmpop, right: ast.AST) -> str:
        if isinstance(op, (ast.In, ast.NotIn)):
            if isinstance(right, ast.Name) and self.types.get(right.id) == "multiple_choice":
                text = f"selected({self.visit(right)}, {self.visit(left)})"
            elif isinstance(right, (ast.List, ast.Tuple)):
                text = " or ".join(f"{self.visit(left)} = {self.visit(e)}" for e in right.elts) or "false()"
                text = f"({text})" if len(right.elts) > 1 else text
            else:
                text = f"contains({self.visit(right)}, {self.visit(left)})"
            return f"not({text})" if isinstance(op, ast.NotIn) else text
        if isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(left, ast.Name):
            if self.types.get(left.id) == "yes_no" and isinstance(right, (ast.Name, ast.Constant)):
                value = right.id in ("true", "True") if isinstance(right, ast.Name) else bool(right.value)
                return f"{self.visit(left)} {_OPS[type(op)]} '{'yes' if value else 'no'}'"
        return f"{self.visit(left)} {_OPS[type(op)]} {self.visit(right)}"


def _literal(value) -> str:
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, (int, float)):
        return repr(value)
    if value is None:
        return "''"
    text = str(value)
    return f'"{text}"' if "'" in text else f"'{text}'"
