"""
Tool descriptions inside a Go test file of an MCP tool-poisoning scanner, read from its string literals (never
compiled or run). For each `func TestXxx(t *testing.T)`:
- texts handed to a description checker: the elements of a `[]string{...}` literal, the text field of a
  `[]struct{...}{...}` table (the field named text, desc, description or input; positional or keyed), or
  strings assigned with `:=` or passed directly to a call;
- tools lists: raw JSON string literals that hold tools (`[{"name": …, "description": …}]` or a JSON-RPC
  response with `result.tools`), including a template `A` + tt.desc + `B` filled with each table entry's desc.
Adjacent literals joined by `+` are one string. Prints a JSON list of
{name, description, inputSchema?, fixture: test function, block: text | named | only | other}, where for tools
lists `named` means the test names the tool in a ToolName assertion, `only` that it is its list's only tool and
`other` the rest. Used by prepare.ts for sources labelled by Go test names (`labelBy: 'go-test'`).

Run: python3 go_tools.py < tools_test.go
"""

import json
import re
import sys


def unescape(body):
    out = bytearray()
    i = 0
    simple = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, "'": 39, '"': 34}
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        e = body[i + 1]
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e == "x":
            out.append(int(body[i + 2 : i + 4], 16))
            i += 4
        elif e == "u":
            out += chr(int(body[i + 2 : i + 6], 16)).encode("utf-8", "surrogatepass")
            i += 6
        elif e == "U":
            out += chr(int(body[i + 2 : i + 10], 16)).encode("utf-8")
            i += 10
        elif e in "01234567":
            out.append(int(body[i + 1 : i + 4], 8) & 255)
            i += 4
        else:
            out += e.encode("utf-8")
            i += 2
    return out.decode("utf-8", "replace")


def tokens(text):
    """String literals as (start, end, value, raw?), comments skipped; adjacent literals joined by + merged."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == "`":
            j = text.find("`", i + 1)
            out.append([i, j + 1, text[i + 1 : j], True])
            i = j + 1
        elif c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append([i, j + 1, unescape(text[i + 1 : j]), False])
            i = j + 1
        elif c == "'":
            j = i + 1
            while text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        else:
            i += 1
    merged = []
    for t in out:
        if merged and re.fullmatch(r"\s*\+\s*", text[merged[-1][1] : t[0]]):
            merged[-1] = [merged[-1][0], t[1], merged[-1][2] + t[2], merged[-1][3] and t[3]]
        else:
            merged.append(t)
    return merged


def blank_comments(text):
    """The text with its comments replaced by spaces (same offsets); literals left as they are."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        if text.startswith("//", i) or text.startswith("/*", i):
            j = text.find("\n", i) if text[i + 1] == "/" else text.find("*/", i + 2) + 2
            j = n if j <= i else j
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        elif text[i] == "`":
            i = text.find("`", i + 1) + 1
        elif text[i] in "\"'":
            q = text[i]
            j = i + 1
            while text[j] != q:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        else:
            i += 1
    return "".join(out)


def block_end(text, open_at):
    """Index just past the brace that closes the one at open_at, skipping literals and comments."""
    spans = [(s, e) for s, e, _, _ in tokens(text[open_at:])]
    depth = 0
    i = open_at
    k = 0
    while i < len(text):
        while k < len(spans) and spans[k][1] + open_at <= i:
            k += 1
        if k < len(spans) and spans[k][0] + open_at <= i < spans[k][1] + open_at:
            i = spans[k][1] + open_at
            continue
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def split_top(text):
    """Top-level comma-separated parts of an element's body, ignoring commas inside literals and brackets."""
    parts, depth, start = [], 0, 0
    lits = tokens(text)
    i, k = 0, 0
    while i < len(text):
        if k < len(lits) and lits[k][0] == i:
            i = lits[k][1]
            k += 1
            continue
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append((start, i))
            start = i + 1
        i += 1
    parts.append((start, len(text)))
    return [(a, b) for a, b in parts if text[a:b].strip()]


TEXT_FIELDS = ("text", "desc", "description", "input")


def table_texts(body):
    """Text fields of []struct tables and elements of []string literals."""
    found = []
    for m in re.finditer(r"\[\]struct\s*\{", body):
        fields_end = block_end(body, m.end() - 1)
        fields = []
        for line in body[m.end() : fields_end - 1].split("\n"):
            fm = re.match(r"\s*([\w, ]+?)\s+[\w.\[\]*]+\s*$", line)
            if fm:
                fields += [f.strip() for f in fm.group(1).split(",")]
        field = next((f for f in TEXT_FIELDS if f in fields), None)
        open_at = body.find("{", fields_end)
        if field is None or open_at < 0:
            continue
        table_end = block_end(body, open_at)
        inner = body[open_at + 1 : table_end - 1]
        for a, b in split_top(inner):
            element = inner[a:b].strip()
            if not element.startswith("{"):
                continue
            element = element[1 : element.rfind("}")]
            lits = tokens(element)
            keyed = re.search(r"\b" + field + r"\s*:", element)
            if keyed:
                value = next((t for t in lits if t[0] >= keyed.end()), None)
                if value and re.fullmatch(r"\s*", element[keyed.end() : value[0]]):
                    found.append(value[2])
                continue
            parts = split_top(element)
            if fields.index(field) < len(parts):
                pa, pb = parts[fields.index(field)]
                inside = [t for t in lits if pa <= t[0] and t[1] <= pb]
                if len(inside) == 1 and element[pa:pb].strip() == element[inside[0][0] : inside[0][1]]:
                    found.append(inside[0][2])
    for m in re.finditer(r"\[\]string\s*\{", body):
        end = block_end(body, m.end() - 1)
        inner = body[m.end() : end - 1]
        for a, b in split_top(inner):
            lits = tokens(inner[a:b])
            if len(lits) == 1 and inner[a:b].strip() == inner[a:b][lits[0][0] : lits[0][1]]:
                found.append(lits[0][2])
    return found


def single_texts(body):
    """Strings assigned with := or handed straight to a call, in a test without a table."""
    found = []
    for t in tokens(body):
        before = body[: t[0]].rstrip()
        after = body[t[1] :].lstrip(" \t")
        if re.search(r"(?::=|\()$", before) and re.match(r"[)\n]", after) and not re.search(r"\b(?:t\.\w+|Errorf|Fatalf|Sprintf|Run)\($", before):
            found.append(t[2])
    return found


def tools_from(value):
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict) and isinstance(v.get("name"), str) and isinstance(v.get("description"), str)]
    if isinstance(value, dict):
        found = []
        for k, v in value.items():
            if k == "tools" and isinstance(v, list):
                found += tools_from(v)
            elif isinstance(v, (dict, list)):
                found += tools_from(v)
        return found
    return []


def json_tools(body):
    lists = []
    lits = tokens(body)
    for t in lits:
        if not t[3]:
            continue
        try:
            value = json.loads(t[2], strict=False)
        except ValueError:
            continue
        tools = tools_from(value)
        if tools:
            lists.append(tools)
    # A template `A` + tt.desc + `B`: filled with each table entry's desc.
    for m in re.finditer(r"`([^`]*)`\s*\+\s*tt\.(\w+)\s*\+\s*`([^`]*)`", body):
        if m.group(2) not in TEXT_FIELDS:
            continue
        for desc in table_texts(body):
            try:
                value = json.loads(m.group(1) + desc + m.group(3), strict=False)
            except ValueError:
                continue
            tools = tools_from(value)
            if tools:
                lists.append(tools)
    return lists


def main():
    src = sys.stdin.read()
    out = []
    for m in re.finditer(r"^func (Test\w+)\(t \*testing\.T\) \{", src, re.M):
        body = blank_comments(src[m.end() - 1 : block_end(src, m.end() - 1)])
        name = m.group(1)
        if name.startswith("TestCheckToolPoison_"):
            texts = table_texts(body) or single_texts(body)
            for text in texts:
                out.append({"name": "tool", "description": text, "fixture": name, "block": "text"})
        elif name.startswith("TestScanTools_"):
            named = set(re.findall(r'ToolName\s*[!=]=\s*"([^"]+)"', body))
            for tools in json_tools(body):
                for tool in tools:
                    role = "named" if tool["name"] in named else "only" if len(tools) == 1 else "other"
                    item = {"name": tool["name"], "description": tool["description"], "fixture": name, "block": role}
                    schema = tool.get("inputSchema")
                    if isinstance(schema, dict):
                        item["inputSchema"] = schema
                    if isinstance(tool.get("annotations"), dict):
                        item["annotations"] = tool["annotations"]
                    out.append(item)
    json.dump(out, sys.stdout)


main()
