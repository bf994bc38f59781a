"""
Tool definitions passed to a scanner inside a pytest suite, read with Python's own parser (never run):
every `<x>.scan_tool(name, description[, schema[, server]])` and `<x>.scan_server(server, [tool dicts])`
call, every `ToolDefinition(tool_name=..., description=..., input_schema=...)` construction and (since round 9) every
`ToolSpec(name=..., description=...)` or `_spec(name, description, schema)` call in a `test_*`
function (sync or async, in a test class or at module level), with its arguments resolved from literals and from the
function's earlier assignments (`desc = "..."`, `schema = {...}`, `for desc in (...)`, f-strings, implicit concatenation,
`base64.b64encode(b"...").decode()`). Prints a JSON list of
{name, description, inputSchema?, fixture: test function, block: test class ("" at module level)}. Used by prepare.ts
for sources whose labels come from pytest class and test names (`labelBy: 'pytest-class'`, `'pytest-name'`).

Run: python3 pytest_tools.py < test_file.py
"""

import ast
import base64
import json
import sys


class Unresolved(Exception):
    pass


def ev(node, env):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(ev(v, env)) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        return ev(node.value, env)
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        raise Unresolved(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return ev(node.left, env) + ev(node.right, env)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return ev(node.left, env) * ev(node.right, env)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [ev(e, env) for e in node.elts]
    if isinstance(node, ast.Dict):
        return {ev(k, env): ev(v, env) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        attr = node.func.attr
        inner = node.func.value
        if attr == "b64encode" and isinstance(inner, ast.Name) and inner.id == "base64":
            return base64.b64encode(ev(node.args[0], env))
        if attr == "decode":
            return ev(inner, env).decode()
        if attr == "encode":
            return ev(inner, env).encode()
    raise Unresolved(ast.dump(node)[:80])


def tools_in(fn, block, out):
    def walk(stmts, env):
        for st in stmts:
            if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
                try:
                    env[st.targets[0].id] = ev(st.value, env)
                except Unresolved:
                    env.pop(st.targets[0].id, None)
            if isinstance(st, ast.For) and isinstance(st.target, ast.Name):
                try:
                    values = ev(st.iter, env)
                except Unresolved:
                    values = []
                for v in values:
                    walk(st.body, {**env, st.target.id: v})
                continue
            for node in ast.walk(st):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ToolDefinition":
                    kw = {k.arg: k.value for k in node.keywords}
                    try:
                        tool = {"name": ev(kw["tool_name"], env), "description": ev(kw["description"], env)}
                    except (Unresolved, KeyError, TypeError, AttributeError):
                        continue
                    try:
                        schema = ev(kw["input_schema"], env) if "input_schema" in kw else None
                    except (Unresolved, KeyError, TypeError, AttributeError):
                        schema = None
                    if isinstance(schema, dict):
                        tool["inputSchema"] = schema
                    out.append({**tool, "fixture": fn.name, "block": block})
                    continue
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("ToolSpec", "_spec"):
                    # A tool spec built for a detector (round 9): ToolSpec(name=, description=, input_schema=) or a test's
                    # _spec(name, description, schema) helper; an unnamed one is called "tool".
                    kw = {k.arg: k.value for k in node.keywords}
                    args = node.args + [None] * 3
                    try:
                        name_node = args[0] or kw.get("name")
                        tool = {"name": ev(name_node, env) if name_node is not None else "tool", "description": ev(args[1] or kw["description"], env)}
                        schema_node = args[2] or kw.get("schema") or kw.get("input_schema")
                        schema = ev(schema_node, env) if schema_node is not None else None
                    except (Unresolved, KeyError, TypeError, AttributeError):
                        continue
                    if isinstance(schema, dict):
                        tool["inputSchema"] = schema
                    out.append({**tool, "fixture": fn.name, "block": block})
                    continue
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                kw = {k.arg: k.value for k in node.keywords}
                try:
                    if node.func.attr == "scan_tool":
                        args = node.args + [None] * 4
                        name = ev(args[0] or kw["tool_name"], env)
                        desc = ev(args[1] or kw["description"], env)
                        schema_node = args[2] or kw.get("schema")
                        schema = ev(schema_node, env) if schema_node is not None else None
                        tool = {"name": name, "description": desc}
                        if isinstance(schema, dict):
                            tool["inputSchema"] = schema
                        out.append({**tool, "fixture": fn.name, "block": block})
                    elif node.func.attr == "scan_server" and len(node.args) >= 2:
                        for t in ev(node.args[1], env):
                            if isinstance(t, dict) and isinstance(t.get("name"), str) and isinstance(t.get("description"), str):
                                tool = {"name": t["name"], "description": t["description"]}
                                schema = t.get("inputSchema", t.get("input_schema"))
                                if isinstance(schema, dict):
                                    tool["inputSchema"] = schema
                                out.append({**tool, "fixture": fn.name, "block": block})
                except (Unresolved, KeyError, TypeError, AttributeError):
                    pass

    walk(fn.body, {})


def main():
    tree = ast.parse(sys.stdin.read())
    out = []
    tests = (ast.FunctionDef, ast.AsyncFunctionDef)
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for fn in node.body:
                if isinstance(fn, tests) and fn.name.startswith("test_"):
                    tools_in(fn, node.name, out)
        elif isinstance(node, tests) and node.name.startswith("test_"):
            tools_in(node, "", out)
    json.dump(out, sys.stdout)


main()
