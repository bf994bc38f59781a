"""
Round 10: tool definitions in a Python module, read with Python's own parser (never run):
- FastMCP-style decorated functions, `@<x>.tool(...)`: the name is the decorator's `name=` or the function's name, the
  description its `description=` (implicit concatenation read whole) or else the function's docstring; `annotations=`
  when literal; an input schema from the signature (string defaults, `Field(description=..., default=...)`,
  `Annotated[..., Field(...)]`);
- `Tool(name=..., description=..., inputSchema=...)` constructions with literal arguments;
- every dict literal with a string `name` and a `description` or a schema (`inputSchema`/`input_schema`/`parameters`,
  kept whole; a missing description is "").
`fixture` is the enclosing function's name (a test's name in a test suite), `block` the enclosing class ("" at module
level). Prints a JSON list of {name, description, inputSchema?, annotations?, fixture, block}. Used by prepare.ts for the
round-10 sources (`labelBy: 'server-file'`, `'pytest-test-name'`); the earlier sources' extraction is unchanged.
With `--module-functions` (`labelBy: 'suite-module'`): the module's public plain functions with docstrings instead (see
module_functions), for a suite of function tools and its adversarial copies.

Run: python3 py_tools.py [--module-functions] < module.py
"""

import ast
import inspect
import json
import sys


def literal(node):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def field_kwargs(node):
    """The literal keyword arguments of a `Field(...)` call, or None."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Field":
        out = {}
        for k in node.keywords:
            v = literal(k.value)
            if k.arg in ("description", "default", "title") and isinstance(v, (str, int, float, bool)):
                out[k.arg] = v
        return out
    return None


def signature_schema(fn):
    properties = {}
    args = fn.args.args + fn.args.kwonlyargs
    defaults = [None] * (len(fn.args.args) - len(fn.args.defaults)) + list(fn.args.defaults) + list(fn.args.kw_defaults)
    for arg, default in zip(args, defaults):
        if arg.arg in ("self", "ctx", "context"):
            continue
        prop = {"type": "string"}
        extra = field_kwargs(default) if default is not None else None
        if extra is None and default is not None:
            v = literal(default)
            if isinstance(v, str):
                prop["default"] = v
        elif extra:
            prop.update(extra)
        ann = arg.annotation
        if isinstance(ann, ast.Subscript) and getattr(ann.value, "id", getattr(ann.value, "attr", None)) == "Annotated":
            elts = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
            for e in elts[1:]:
                f = field_kwargs(e)
                if f:
                    prop.update(f)
                elif isinstance(literal(e), str):
                    prop["description"] = literal(e)
        properties[arg.arg] = prop
    return {"type": "object", "properties": properties}


class Visitor(ast.NodeVisitor):
    def __init__(self):
        self.out = []
        self.fn = []
        self.cls = []

    def emit(self, tool):
        if isinstance(tool.get("name"), str) and tool["name"] and isinstance(tool.get("description"), str) and (tool["description"] or "inputSchema" in tool):
            tool["fixture"] = self.fn[-1] if self.fn else ""
            tool["block"] = self.cls[-1] if self.cls else ""
            self.out.append(tool)

    def visit_ClassDef(self, node):
        self.cls.append(node.name)
        self.generic_visit(node)
        self.cls.pop()

    def visit_FunctionDef(self, node):
        for d in node.decorator_list:
            call = d if isinstance(d, ast.Call) else None
            target = call.func if call else d
            if isinstance(target, ast.Attribute) and target.attr == "tool":
                kw = {k.arg: k.value for k in (call.keywords if call else []) if k.arg}
                name = literal(kw["name"]) if "name" in kw else node.name
                description = literal(kw["description"]) if "description" in kw else None
                if not isinstance(description, str):
                    doc = ast.get_docstring(node, clean=False)
                    description = inspect.cleandoc(doc) if doc else None
                tool = {"name": name, "description": description, "inputSchema": signature_schema(node)}
                annotations = literal(kw["annotations"]) if "annotations" in kw else None
                if isinstance(annotations, dict):
                    tool["annotations"] = annotations
                # the tool's own context is the module (the function is the tool, not a test)
                self.fn.append("")
                self.emit(tool)
                self.fn.pop()
        self.fn.append(node.name)
        self.generic_visit(node)
        self.fn.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node):
        if getattr(node.func, "id", getattr(node.func, "attr", None)) == "Tool":
            kw = {k.arg: literal(k.value) for k in node.keywords if k.arg}
            tool = {"name": kw.get("name"), "description": kw.get("description")}
            schema = kw.get("inputSchema", kw.get("input_schema"))
            if isinstance(schema, dict):
                tool["inputSchema"] = schema
            self.emit(tool)
        self.generic_visit(node)

    def visit_Dict(self, node):
        value = literal(node)
        schema = value.get("inputSchema", value.get("input_schema", value.get("parameters"))) if isinstance(value, dict) else None
        if isinstance(value, dict) and isinstance(value.get("name"), str) and (isinstance(value.get("description"), str) or isinstance(schema, dict)):
            tool = {"name": value["name"], "description": value.get("description") if isinstance(value.get("description"), str) else ""}
            if isinstance(schema, dict):
                tool["inputSchema"] = schema
            self.emit(tool)
        self.generic_visit(node)


def listed_names(tree):
    """Tool names a module lists in NOT_ALLOWED_TOOLS / MALICIOUS_TOOLS / ATTACK_TOOLS (strings or function names)."""
    lists = {}
    for n in tree.body:
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            if n.targets[0].id in ("NOT_ALLOWED_TOOLS", "MALICIOUS_TOOLS", "ATTACK_TOOLS"):
                lists[n.targets[0].id] = n.value
    names = set()
    for value in lists.values():
        for node in ast.walk(value):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.add(node.value)
            elif isinstance(node, ast.Name) and node.id not in lists:
                names.add(node.id)
    return names


def docstring_tool(fn):
    """A plain function as a function-calling runtime presents it (AgentDojo style): the docstring's text before its
    `:param`/`:return` fields is the description, each `:param x: text` the parameter's description; environment
    parameters (annotated `Annotated…` or `Depends(...)`) are not part of the schema."""
    doc = inspect.cleandoc(ast.get_docstring(fn, clean=False) or "")
    lines = doc.split("\n")
    head, params, current = [], {}, None
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(":param "):
            name, _, text = stripped[len(":param "):].partition(":")
            current = name.strip().split()[-1] if name.strip() else None
            if current:
                params[current] = text.strip()
        elif stripped.startswith((":return", ":raises", ":rtype")):
            current = None
        elif current and stripped:
            params[current] += " " + stripped
        elif current is None and not params:
            head.append(line)
    properties = {}
    for arg in fn.args.args + fn.args.kwonlyargs:
        ann = ast.unparse(arg.annotation) if arg.annotation is not None else ""
        if ann.startswith("Annotated") and ("Depends" in ann or not ann.startswith("Annotated[")):
            continue
        prop = {"type": "string"}
        if params.get(arg.arg):
            prop["description"] = params[arg.arg]
        properties[arg.arg] = prop
    return {"name": fn.name, "description": "\n".join(head).strip(), "inputSchema": {"type": "object", "properties": properties}}


def module_functions(tree):
    """Round 10 (a suite module of plain tool functions): every public module-level function with a docstring; block is
    `listed` when the module names it in one of its attack lists, `module` otherwise."""
    names = listed_names(tree)
    out = []
    for n in tree.body:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and not n.name.startswith("_") and ast.get_docstring(n):
            tool = docstring_tool(n)
            if tool["description"]:
                tool["fixture"] = ""
                tool["block"] = "listed" if n.name in names else "module"
                out.append(tool)
    return out


def main():
    tree = ast.parse(sys.stdin.read())
    if "--module-functions" in sys.argv:
        json.dump(module_functions(tree), sys.stdout)
        return
    v = Visitor()
    v.visit(tree)
    json.dump(v.out, sys.stdout)


main()
