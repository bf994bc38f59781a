/**
 * Extract the MCP tool definitions (name, description, parameter descriptions) of the public
 * repositories in sources.ts from local mirrors, join them with our labels (labels.json), and
 * write /work/data/mcp-poison/corpus.json (or $MCP_POISON_OUT) with a manifest of origin,
 * commit and licence per source. Nothing from these repositories is committed to Warden.
 *
 * Mirrors: each repository as a bare git directory at $MIRROR_DIR/<owner>+<name>/repo
 * (default /work/.mirror), e.g. `git clone --bare https://github.com/<owner>/<name> <dir>/repo`
 * and `git -C <dir>/repo fetch origin <commit>`. The commit in sources.ts is what is read.
 *
 * Run: node --import tsx packages/mcp/bench/data/poison/prepare.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { POISON_SOURCES, type PoisonSource } from './sources';

export interface ExtractedTool {
  source: string;
  file: string;
  name: string;
  description: string;
  /** Parameter name → its description (empty when none). */
  params: Record<string, string>;
  /** The test fixture or test a definition sits in: a Python function's name, a JS it('…')/test('…') title or `const` name. */
  fixture?: string;
  /** JS: the describe('…') block around that test; pytest: the test class. */
  block?: string;
  /** The whole input schema when the source gives one (defaults, enums, titles and all), as a client would receive it. */
  inputSchema?: Record<string, unknown>;
  /** Tool annotations when the source gives them. */
  annotations?: Record<string, unknown>;
}

const MIRROR = process.env.MIRROR_DIR ?? '/work/.mirror';
const OUT = process.env.MCP_POISON_OUT ?? '/work/data/mcp-poison/corpus.json';

/** What the Python extractors (py_tools.py, py_literals.py, pytest_tools.py, go_tools.py) print. */
interface ScriptTool {
  name: string;
  description: string;
  inputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  fixture: string;
  block: string;
}

/** Runs one of the extractors beside this file on a source file's text (parsed there, never run). */
function runExtractor(script: string, text: string, args: string[] = []): ScriptTool[] {
  const path = new URL(`./${script}`, import.meta.url).pathname;
  return JSON.parse(execFileSync('python3', [path, ...args], { input: text, encoding: 'utf8', maxBuffer: 64 << 20 })) as ScriptTool[];
}

/** Parameter name → its description in an input schema ('' when it has none). */
function paramDescriptions(inputSchema: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries((inputSchema?.properties ?? {}) as Record<string, { description?: unknown }>).map(([k, v]) => [
      k,
      typeof v?.description === 'string' ? v.description : '',
    ]),
  );
}

/** The schema and annotations an extractor found, as ExtractedTool fields. */
function schemaFields(t: ScriptTool): Pick<ExtractedTool, 'inputSchema' | 'annotations'> {
  return { ...(t.inputSchema ? { inputSchema: t.inputSchema } : {}), ...(t.annotations ? { annotations: t.annotations } : {}) };
}

function git(source: PoisonSource, ...args: string[]): string {
  const dir = join(MIRROR, source.repo.replace('/', '+'), 'repo');
  return execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

function dedent(s: string): string {
  const lines = s.replace(/\r\n/g, '\n').split('\n');
  const indents = lines
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => /^\s*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return [lines[0], ...lines.slice(1).map((l) => l.slice(cut))].join('\n').trim();
}

/** A JS/Python string literal's body to its value (escapes read, never evaluated). */
function unquoteJs(body: string, quote: string): string {
  if (quote === '`') return body.replace(/\\`/g, '`');
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, (_, e: string) => {
    if (e[0] === 'u' && e.length > 1) return String.fromCodePoint(Number.parseInt(e.replace(/[u{}]/g, ''), 16));
    if (e[0] === 'x' && e.length === 3) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}

/**
 * What FastMCP puts into a tool's input schema from its function signature, as far as literals show it: string
 * defaults (`x: str = "…"`) and pydantic `Field(default="…", description="…")`. Undefined when there is none.
 */
function signatureSchema(signature: string): Record<string, unknown> | undefined {
  const lit = `(?:"((?:[^"\\\\\n]|\\\\.)*)"|'((?:[^'\\\\\n]|\\\\.)*)')`;
  const properties: Record<string, Record<string, unknown>> = {};
  for (const m of signature.matchAll(new RegExp(`(?:^|,)\\s*(\\w+)\\s*(?::\\s*[\\w.\\[\\], |]+?)?\\s*=\\s*(?:${lit}|Field\\(([^()]*)\\))`, 'g'))) {
    const property: Record<string, unknown> = { type: 'string' };
    if (m[2] !== undefined || m[3] !== undefined) property.default = unquoteJs(m[2] ?? m[3], '"');
    if (m[4] !== undefined) {
      for (const f of m[4].matchAll(new RegExp(`\\b(default|description|title)\\s*=\\s*${lit}`, 'g'))) property[f[1]] = unquoteJs(f[2] ?? f[3], '"');
    }
    if (Object.keys(property).length > 1) properties[m[1]] = property;
  }
  return Object.keys(properties).length ? { type: 'object', properties } : undefined;
}

/** Python: FastMCP-style decorated functions with a docstring, and Tool(name=..., description=...). */
function fromPython(
  text: string,
  push: (name: string, description: string, params?: Record<string, string>, fixture?: string, extra?: Pick<ExtractedTool, 'inputSchema'>) => void,
): void {
  const decorated =
    /^[ \t]*@\w+(?:\.\w+)*\.tool\(([^)]*)\)[ \t]*\n(?:[ \t]*@[^\n]*\n)*[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(([\s\S]*?)\)[^:\n]*:[ \t]*\n[ \t]*[rRuU]?("""|''')([\s\S]*?)\4/gm;
  for (const m of text.matchAll(decorated)) {
    const named = /name\s*=\s*["']([^"']+)["']/.exec(m[1]);
    const described = /description\s*=\s*("""|'''|"|')([\s\S]*?)\1/.exec(m[1]);
    const schema = signatureSchema(m[3]);
    push(named?.[1] ?? m[2], described ? described[2] : dedent(m[5]), undefined, undefined, schema ? { inputSchema: schema } : {});
  }
  // Dicts and keyword arguments: "name": "x", "description": "…" / name="x", description="…".
  const dict =
    /["']?name["']?\s*[:=]\s*["']([^"'\n]+)["']\s*,\s*(?:["']?title["']?\s*[:=]\s*["'][^"'\n]*["']\s*,\s*)?["']?description["']?\s*[:=]\s*(?:\(\s*)?(?:"""([\s\S]*?)"""|"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')/g;
  for (const m of text.matchAll(dict)) {
    const before = text.slice(0, m.index);
    const fixture = [...before.matchAll(/^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)/gm)].pop()?.[1];
    push(m[1], dedent(m[2] ?? unquoteJs(m[3] ?? m[4] ?? '', '"')), undefined, fixture);
  }
  const toolCtor = /\bTool\(\s*name\s*=\s*["']([^"']+)["']\s*,\s*description\s*=\s*(?:"""([\s\S]*?)"""|"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')/g;
  for (const m of text.matchAll(toolCtor)) push(m[1], dedent(m[2] ?? unquoteJs(m[3] ?? m[4] ?? '', '"')));
}

/** A literal expression's value (strings, numbers, booleans, null, arrays, objects, `+` and `'x'.repeat(n)`); undefined otherwise. Nothing is run. */
function literal(node: ts.Node): unknown {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return literal(node.expression);
  if (ts.isArrayLiteralExpression(node)) {
    const items = node.elements.map(literal);
    return items.includes(undefined) ? undefined : items;
  }
  if (ts.isObjectLiteralExpression(node)) {
    const out: Record<string, unknown> = {};
    for (const p of node.properties) {
      if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return undefined;
      const v = literal(p.initializer);
      if (v === undefined) return undefined;
      out[p.name.text] = v;
    }
    return out;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const [a, b] = [literal(node.left), literal(node.right)];
    return typeof a === 'string' && (typeof b === 'string' || typeof b === 'number') ? a + b : undefined;
  }
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'repeat' && node.arguments.length === 1) {
    const [s, n] = [literal(node.expression.expression), literal(node.arguments[0])];
    return typeof s === 'string' && typeof n === 'number' && n >= 0 && n <= 100_000 ? s.repeat(n) : undefined;
  }
  return undefined;
}

/**
 * Object literals with a string `name` and a `description` in a JS/TS file, read by TypeScript's parser: where each
 * starts and ends, its whole description (concatenations included) and its `inputSchema` and `annotations` as
 * literal values, so the bench hands the scanner what a client would receive (defaults, enums, titles and all).
 */
function toolObjects(
  text: string,
  file: string,
): {
  start: number;
  end: number;
  name?: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: ReturnType<typeof toolObjects> = [];
  const field = (o: ts.ObjectLiteralExpression, key: string) =>
    o.properties.find(
      (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === key,
    );
  const visit = (node: ts.Node) => {
    if (ts.isObjectLiteralExpression(node) && field(node, 'name') && field(node, 'description')) {
      const description = literal(field(node, 'description')!.initializer);
      const schema = field(node, 'inputSchema');
      const annotations = field(node, 'annotations');
      const asObject = (p: ts.PropertyAssignment | undefined) => {
        const v = p ? literal(p.initializer) : undefined;
        return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
      };
      const name = literal(field(node, 'name')!.initializer);
      out.push({
        start: node.getStart(source),
        end: node.getEnd(),
        ...(typeof name === 'string' ? { name } : {}),
        ...(typeof description === 'string' ? { description } : {}),
        ...(asObject(schema) ? { inputSchema: asObject(schema) } : {}),
        ...(asObject(annotations) ? { annotations: asObject(annotations) } : {}),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/**
 * JavaScript/TypeScript: server.tool('name', 'description', …), registerTool('name', { description }), { name, description } literals.
 * `fixture` is the test a literal sits in (the last it('…') title or `const x` before it), for sources labelled by test titles;
 * parameter descriptions are read from the literal's inputSchema up to the next tool or test.
 */
function fromJs(
  text: string,
  file: string,
  parserObjects: boolean,
  push: (
    name: string,
    description: string,
    params?: Record<string, string>,
    context?: { label: string; block?: string },
    extra?: Pick<ExtractedTool, 'inputSchema' | 'annotations'>,
  ) => void,
): void {
  const str = (q: string) => `${q}((?:[^${q}\\\\]|\\\\[\\s\\S])*)${q}`;
  const anyStr = `(?:${str('`')}|${str("'")}|${str('"')})`;
  const pick = (m: RegExpMatchArray, i: number) => {
    const q = m[i] !== undefined ? '`' : m[i + 1] !== undefined ? "'" : '"';
    return unquoteJs(m[i] ?? m[i + 1] ?? m[i + 2] ?? '', q);
  };
  const contexts = [...text.matchAll(new RegExp(`(?:\\b(?:it|test)\\(\\s*${anyStr}|^const\\s+(\\w+)\\b)`, 'gm'))].map((m) => ({
    at: m.index ?? 0,
    label: m[4] ?? pick(m, 1),
  }));
  // describe('…') blocks, kept apart from the test title (sources labelled by both read them together).
  const blocks = [...text.matchAll(new RegExp(`\\bdescribe\\(\\s*${anyStr}`, 'g'))].map((m) => ({ at: m.index ?? 0, label: pick(m, 1) }));
  const contextAt = (at: number) => {
    const c = contexts.filter((x) => x.at < at).pop();
    const b = blocks.filter((x) => x.at < at).pop();
    return c ? { label: c.label, block: b && /\s/.test(c.label) ? b.label : undefined } : undefined;
  };
  // A description scanner's own call, scanToolDescription("name", "description"), and test helpers, createTool("name", "description").
  for (const m of text.matchAll(new RegExp(`\\b(?:\\w*[Dd]escription\\w*|create\\w*Tool)\\(\\s*${anyStr}\\s*,\\s*${anyStr}`, 'g')))
    push(pick(m, 1), dedent(pick(m, 4)), {}, contextAt(m.index ?? 0));
  for (const m of text.matchAll(new RegExp(`\\.tool\\(\\s*${anyStr}\\s*,\\s*${anyStr}`, 'g'))) push(pick(m, 1), dedent(pick(m, 4)));
  // Objects naming a tool as `toolName` with a `description` built from literals ('a' + 'b'.repeat(n) + …) a few fields later.
  const piece = `${anyStr}(?:\\.repeat\\(\\s*(\\d+)\\s*\\))?`;
  for (const m of text.matchAll(new RegExp(`\\btoolName\\s*:\\s*${anyStr}[^{}]*?\\bdescription\\s*:\\s*((?:${piece}\\s*\\+\\s*)*${piece})`, 'g'))) {
    const description = [...m[4].matchAll(new RegExp(piece, 'g'))].map((p) => pick(p, 1).repeat(p[4] ? Number(p[4]) : 1)).join('');
    push(pick(m, 1), description, {}, contextAt(m.index ?? 0));
  }
  for (const m of text.matchAll(new RegExp(`\\.registerTool\\(\\s*${anyStr}\\s*,\\s*\\{[^{}]*?description\\s*:\\s*${anyStr}`, 'g')))
    push(pick(m, 1), dedent(pick(m, 4)));
  const objects = toolObjects(text, file);
  const literals = [...text.matchAll(new RegExp(`\\bname\\s*:\\s*${anyStr}\\s*,\\s*(?:title\\s*:\\s*${anyStr}\\s*,\\s*)?description\\s*:\\s*${anyStr}`, 'g'))];
  literals.forEach((m, i) => {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const ctx = contextAt(start);
    const nextCtx = contexts.find((c) => c.at > start)?.at ?? text.length;
    const region = text.slice(end, Math.min(literals[i + 1]?.index ?? text.length, nextCtx));
    const params: Record<string, string> = {};
    if (/inputSchema|properties/.test(region))
      for (const p of region.matchAll(new RegExp(`(\\w+)\\s*:\\s*\\{[^{}]*?description\\s*:\\s*${anyStr}`, 'g'))) params[p[1]] = pick(p, 2);
    // The innermost object literal around this match, as TypeScript's parser reads it: the whole description
    // ('a' + ' '.repeat(80) + 'b' read to its end) and the schema and annotations with their defaults.
    const object = objects.filter((o) => o.start <= start && end <= o.end).sort((a, b) => a.end - a.start - (b.end - b.start))[0];
    const extra = { ...(object?.inputSchema ? { inputSchema: object.inputSchema } : {}), ...(object?.annotations ? { annotations: object.annotations } : {}) };
    push(pick(m, 1), dedent(object?.description ?? pick(m, 7)), params, ctx, extra);
  });
  // Object literals the parser reads as tools that the pattern above missed (a comment between name and description);
  // only for sources labelled by fixture file, so the test-labelled sources' extraction stays as their rounds ran it.
  for (const o of parserObjects ? objects : []) {
    if (o.name === undefined || o.description === undefined) continue;
    if (literals.some((m) => (m.index ?? 0) >= o.start && (m.index ?? 0) < o.end)) continue;
    const extra = { ...(o.inputSchema ? { inputSchema: o.inputSchema } : {}), ...(o.annotations ? { annotations: o.annotations } : {}) };
    push(o.name, dedent(o.description), {}, contextAt(o.start), extra);
  }
}

/**
 * JSON (and YAML read as JSON): every object with a string name and description next to an input schema, and the
 * entries of a `tools` list or map without one (a map as in `mcpServers` fixtures, `"tools": { "<name>": {
 * "description": … } }`, named by their key unless they carry a name).
 * With `selfLabelled` (sources labelled by their own fixtures' fields, round 8 on): the whole input schema is kept, a
 * tool's own `_meta.is_attack` (with its paradigm and risk category) becomes its context, and an attack-corpus record
 * (`id`, `payload`, `injection_point`) is read as a definition named by its id whose text is the payload. The other
 * sources' extraction is unchanged.
 */
function fromJson(
  value: unknown,
  push: (name: string, description: string, params?: Record<string, string>, context?: string, extra?: Pick<ExtractedTool, 'inputSchema'>) => void,
  selfLabelled = false,
): void {
  if (Array.isArray(value)) return value.forEach((v) => fromJson(v, push, selfLabelled));
  if (!value || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  if (o.tools && typeof o.tools === 'object') {
    // A tools list or map: its entries are tools even without an input schema (those with one are read below).
    for (const [key, t] of Object.entries(o.tools as Record<string, unknown>)) {
      const tool = t as Record<string, unknown> | null;
      if (!tool || typeof tool !== 'object' || typeof tool.description !== 'string') continue;
      if ('inputSchema' in tool || 'parameters' in tool || 'input_schema' in tool) continue;
      const name = typeof tool.name === 'string' ? tool.name : Array.isArray(o.tools) ? undefined : key;
      if (name) push(name, tool.description);
    }
  }
  if (typeof o.name === 'string' && typeof o.description === 'string' && ('inputSchema' in o || 'parameters' in o || 'input_schema' in o)) {
    const schema = (o.inputSchema ?? o.parameters ?? o.input_schema) as { properties?: Record<string, { description?: unknown }> } | undefined;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(schema?.properties ?? {})) params[k] = typeof v?.description === 'string' ? v.description : '';
    if (!selfLabelled) push(o.name, o.description, params);
    else {
      const meta = o._meta as { is_attack?: unknown; paradigm?: unknown; risk_category?: unknown } | undefined;
      const context =
        typeof meta?.is_attack === 'boolean' ? `attack=${meta.is_attack} :: ${String(meta.paradigm ?? '')} :: ${String(meta.risk_category ?? '')}` : undefined;
      const whole = schema && typeof schema === 'object' && !Array.isArray(schema) ? { inputSchema: schema as Record<string, unknown> } : {};
      push(o.name, o.description, params, context, whole);
    }
  }
  if (selfLabelled && typeof o.id === 'string' && typeof o.payload === 'string' && typeof o.injection_point === 'string')
    push(o.id, o.payload, {}, `record=${String(o.category ?? '')} :: ${o.injection_point} :: ${String(o.source_url ?? '')}`);
  for (const v of Object.values(o)) fromJson(v, push, selfLabelled);
}

export function extract(source: PoisonSource): ExtractedTool[] {
  const files = git(source, 'ls-tree', '-r', '--name-only', source.commit, '--', ...source.paths)
    .split('\n')
    .filter(
      (f) =>
        (/\.(?:py|js|mjs|cjs|ts|json)$|_test\.go$/.test(f) || (source.labelBy === 'fixture-file' && /\.ya?ml$/.test(f))) &&
        !/package(?:-lock)?\.json$|tsconfig\.json$/.test(f),
    )
    // A suite's default tools are read before its adversarial copies, so an unchanged copy is the default tool (benign), once.
    .sort((a, b) => (source.labelBy === 'suite-module' ? Number(!/default_suites\//.test(a)) - Number(!/default_suites\//.test(b)) : 0));
  const out: ExtractedTool[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const text = git(source, 'show', `${source.commit}:${file}`);
    const push = (
      name: string,
      description: string,
      params: Record<string, string> = {},
      context?: string | { label: string; block?: string },
      extra: Pick<ExtractedTool, 'inputSchema' | 'annotations'> = {},
    ) => {
      const key = `${name}\u0000${description}\u0000${JSON.stringify(extra)}`;
      // Round 10's test-named source: a tool dict with a schema and no description is still a definition (schema poisoning).
      const schemaOnly = source.labelBy === 'pytest-test-name' && extra.inputSchema !== undefined;
      if (!name || (!description && !schemaOnly) || seen.has(key)) return;
      seen.add(key);
      const fixture = typeof context === 'string' ? context : context?.label;
      const block = typeof context === 'string' ? undefined : context?.block;
      out.push({ source: source.repo, file, name, description, params, ...(fixture ? { fixture } : {}), ...(block ? { block } : {}), ...extra });
    };
    if (file.endsWith('.py') && (source.labelBy === 'server-file' || source.labelBy === 'pytest-test-name' || source.labelBy === 'suite-module')) {
      // Round 10: decorated FastMCP tools, Tool(...) constructions and tool dicts (or a suite's plain function tools), read by
      // py_tools.py, never run.
      const found = runExtractor('py_tools.py', text, source.labelBy === 'suite-module' ? ['--module-functions'] : []);
      for (const t of found) push(t.name, t.description, {}, { label: t.fixture, block: t.block }, schemaFields(t));
    } else if (
      file.endsWith('.py') &&
      (source.labelBy === 'scenario-override' || (source.labelBy === 'pytest-flags' && !/(?:^|\/)test_[^/]*\.py$/.test(file)))
    ) {
      // Round 9: tool lists and description overrides in a module's literals, read by py_literals.py, never run.
      const found = runExtractor('py_literals.py', text);
      for (const t of found) push(t.name, t.description, {}, { label: t.fixture, block: t.block }, t.inputSchema ? { inputSchema: t.inputSchema } : {});
    } else if (
      file.endsWith('.py') &&
      (source.labelBy === 'pytest-class' || source.labelBy === 'pytest-name' || source.labelBy === 'unittest-class' || source.labelBy === 'pytest-flags')
    ) {
      // pytest suites: the scanner calls' arguments, read by Python's parser (pytest_tools.py), never executed.
      const found = runExtractor('pytest_tools.py', text);
      for (const t of found)
        push(
          t.name,
          t.description,
          paramDescriptions(t.inputSchema),
          { label: t.fixture, block: t.block },
          t.inputSchema ? { inputSchema: t.inputSchema } : {},
        );
    } else if (file.endsWith('_test.go') && source.labelBy === 'go-test') {
      // Go test suites: the texts and tools lists in their string literals, read by go_tools.py, never compiled.
      const found = runExtractor('go_tools.py', text);
      for (const t of found) push(t.name, t.description, paramDescriptions(t.inputSchema), { label: t.fixture, block: t.block }, schemaFields(t));
    } else if (/\.ya?ml$/.test(file)) {
      // YAML fixtures (sources labelled by fixture file only), read by PyYAML's safe loader into JSON, never run.
      const json = execFileSync('python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
        input: text,
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      fromJson(JSON.parse(json), push);
    } else if (file.endsWith('.py')) fromPython(text, push);
    else if (file.endsWith('.json')) {
      try {
        fromJson(JSON.parse(text), push, source.labelBy === 'attack-meta' || source.labelBy === 'fixture-file-name' || source.labelBy === 'server-file');
      } catch {
        /* not JSON after all */
      }
    } else fromJs(text, file, source.labelBy === 'fixture-file', push);
  }
  return out;
}

export interface Label {
  source: string;
  name: string;
  /** First 60 characters of the description, to tell apart tools of the same name. */
  starts: string;
  label: 'poisoned' | 'benign';
  /** Attack category for poisoned tools (see labels.json's header). */
  category?: string;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tools = POISON_SOURCES.flatMap((s) => extract(s));
  mkdirSync(dirname(OUT), { recursive: true });
  const manifest = POISON_SOURCES.map((s) => ({ ...s, url: `https://github.com/${s.repo}`, tools: tools.filter((t) => t.source === s.repo).length }));
  writeFileSync(OUT, JSON.stringify({ manifest, tools }, null, 1));
  for (const m of manifest) console.log(`${m.role.padEnd(11)} ${String(m.tools).padStart(4)} tools  ${m.repo}@${m.commit.slice(0, 10)} (${m.licence})`);
  console.log(`wrote ${OUT}`);
  void readFileSync;
}
