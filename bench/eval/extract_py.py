"""Reads labelled examples out of public Python test suites without importing them (the projects'
packages need not be installed): the syntax tree of each file is walked and only literal data and
simple string formatting of module constants are evaluated. Prints one JSON object per example:
  {"source", "file", "text", "positives": [[start, end], ...], "weak": bool, "secret": str|None}
Used by bench/eval/examples.ts for Microsoft Presidio's recognizer tests (parametrize tables:
text, expected count, expected spans) and Yelp detect-secrets' plugin tests (keyword tables of
(line, secret-or-None) and (payload, should_flag) tables).
"""
import ast
import base64
import json
import random
import sys


def constants(tree):
    """Module-level NAME = <expr> assignments evaluated in a small namespace (strings, format)."""
    space = {"base64": base64, "randint": random.randint, "str": str}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                space[node.targets[0].id] = eval(compile(ast.Expression(node.value), "<const>", "eval"), {"__builtins__": {}}, space)
            except Exception:
                pass
    return space


def tables(tree, space):
    """Lists given to pytest.mark.parametrize, evaluated element by element."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize" and len(node.args) >= 2:
            names = node.args[0].value if isinstance(node.args[0], ast.Constant) else ""
            data = node.args[1]
            if isinstance(data, ast.Name):
                yield names, space.get(data.id, [])
                continue
            if not isinstance(data, (ast.List, ast.Tuple)):
                continue
            rows = []
            for element in data.elts:
                try:
                    rows.append(eval(compile(ast.Expression(element), "<row>", "eval"), {"__builtins__": {}}, space))
                except Exception:
                    pass
            yield names, rows


def presidio(path, out):
    tree = ast.parse(open(path, encoding="utf-8").read())
    space = constants(tree)
    for names, rows in tables(tree, space):
        for row in rows:
            if not isinstance(row, tuple) or len(row) < 2 or not isinstance(row[0], str) or not isinstance(row[1], int):
                continue
            text, count = row[0], row[1]
            def pairs_of(kind):
                for column in row[2:]:
                    if isinstance(column, tuple) and column and all(isinstance(p, tuple) and len(p) == 2 and all(isinstance(v, kind) for v in p) for p in column):
                        return [list(p) for p in column]
                return []
            spans = pairs_of(int)
            if count > 0 and not spans and " " not in text.strip():
                spans = [[0, len(text)]]
            if count > 0 and not spans:
                continue
            # score ranges below 0.5: presidio itself reports these only as weak matches (context needed)
            ranges = pairs_of(float)
            weak = bool(ranges) and all(r[1] < 0.5 for r in ranges)
            out.append({"source": "presidio", "file": path, "text": text, "positives": spans if count > 0 else [], "weak": weak, "secret": None})


def detect_secrets(path, out):
    tree = ast.parse(open(path, encoding="utf-8").read())
    space = constants(tree)
    seen = set()
    # keyword tables: NAME_TEST_CASES = [(line, secret or None), ...]
    for name, value in space.items():
        if name.endswith("TEST_CASES") and isinstance(value, list):
            for row in value:
                if isinstance(row, tuple) and len(row) == 2 and isinstance(row[0], str) and (row[1] is None or isinstance(row[1], str)):
                    if len(row[0]) > 2000 or (row[0], row[1]) in seen:
                        continue
                    seen.add((row[0], row[1]))
                    out.append({"source": "detect-secrets", "file": path, "table": name, "text": row[0], "positives": [], "weak": False, "secret": row[1]})
    for names, rows in tables(tree, space):
        for row in rows:
            if isinstance(row, tuple) and len(row) == 2 and isinstance(row[0], str) and isinstance(row[1], bool):
                if len(row[0]) > 2000 or (row[0], row[1]) in seen:
                    continue
                seen.add((row[0], row[1]))
                out.append({"source": "detect-secrets", "file": path, "table": names, "text": row[0], "positives": [], "weak": False, "secret": "" if row[1] else None})


if __name__ == "__main__":
    kind = sys.argv[1]
    out = []
    for path in sys.argv[2:]:
        try:
            (presidio if kind == "presidio" else detect_secrets)(path, out)
        except SyntaxError as error:
            print(f"skipped {path}: {error}", file=sys.stderr)
    for example in out:
        print(json.dumps(example))
