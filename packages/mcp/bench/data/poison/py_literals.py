"""
Tool definitions held in a Python module's literals, read with Python's own parser (never run): every dict with a
string `name` and `description` (and `inputSchema`, `input_schema` or `parameters` when it has one) inside a
module-level assignment (`block`: the variable's name), and every call with a `description_override={tool: text}`
literal (name: the tool, description: the text; `fixture`: the call's `id`, `block`: its `category`). Prints a JSON
list of {name, description, inputSchema?, fixture, block}. Used by prepare.ts for sources labelled by these names
(`labelBy: 'pytest-flags'` for a mock server's tool lists, `'scenario-override'`).

Run: python3 py_literals.py < module.py
"""

import ast
import json
import sys


def literal(node):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def dicts(value, out, block):
    if isinstance(value, dict):
        if isinstance(value.get("name"), str) and isinstance(value.get("description"), str):
            tool = {"name": value["name"], "description": value["description"], "fixture": "", "block": block}
            schema = value.get("inputSchema", value.get("input_schema", value.get("parameters")))
            if isinstance(schema, dict):
                tool["inputSchema"] = schema
            out.append(tool)
        for v in value.values():
            dicts(v, out, block)
    elif isinstance(value, (list, tuple)):
        for v in value:
            dicts(v, out, block)


def main():
    tree = ast.parse(sys.stdin.read())
    out = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            dicts(literal(node.value), out, node.targets[0].id)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            overrides = literal(kw["description_override"]) if "description_override" in kw else None
            if isinstance(overrides, dict):
                fixture = literal(kw["id"]) if "id" in kw else ""
                block = literal(kw["category"]) if "category" in kw else ""
                for name, text in overrides.items():
                    if isinstance(name, str) and isinstance(text, str):
                        out.append({"name": name, "description": text, "fixture": str(fixture or ""), "block": str(block or "")})
    json.dump(out, sys.stdout)


main()
