import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_WARDEN_POLICY_DECISION,
  onInternalError,
  onWardenEvent,
  PolicyDeniedError,
  setToolGuard,
  traceAgent,
  traceTool,
  WardenConfigError,
  type Alert,
  type PolicyDecisionEvidence,
} from '@warden/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadPolicies, type ApprovalRequest, type PolicyInput } from './policy';
import { createPolicyGuard } from './policy-guard';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let alerts: Alert[] = [];
let decisions: PolicyDecisionEvidence[] = [];
let unsubscribe: () => void = () => undefined;

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  unsubscribe = onWardenEvent((e) => {
    if (e.type === 'alert') alerts.push(e.alert);
    if (e.type === 'policy_decision') decisions.push(e);
  });
});
afterAll(async () => {
  unsubscribe();
  await provider.shutdown();
  trace.disable();
  context.disable();
});
afterEach(() => {
  setToolGuard(undefined);
  exporter.reset();
  alerts = [];
  decisions = [];
});

/** Runs `tool(args)` as agent `agent` through the real traceAgent/traceTool path. */
async function runAs(agent: string, tool: string, args: unknown, mcpServer?: string): Promise<{ ran: boolean; error?: unknown }> {
  let ran = false;
  const traced = traceTool(
    tool,
    (_a: unknown) => {
      ran = true;
      return 'done';
    },
    { mcpServer },
  );
  try {
    await traceAgent(agent, () => traced(args))();
    return { ran };
  } catch (error) {
    return { ran, error };
  }
}

interface RuleCase {
  name: string;
  policy: Omit<PolicyInput, 'agent' | 'mode'>;
  tool: string;
  args?: unknown;
  mcpServer?: string;
  rule: string;
}

const base = { allowedTools: ['read_file', 'pay', 'fetch', 'set_level', 'note', 'search', 'list'] };
const violating: RuleCase[] = [
  { name: 'tool not allowed', policy: base, tool: 'delete_db', rule: 'tool_not_allowed' },
  { name: 'MCP server not allowed', policy: { ...base, allowedMcpServers: ['docs'] }, tool: 'search', mcpServer: 'shell', rule: 'mcp_server_not_allowed' },
  {
    name: 'path traversal out of the allowed directory',
    policy: { ...base, args: { read_file: { path: { under: '/srv/data' } } } },
    tool: 'read_file',
    args: { path: '/srv/data/../etc/passwd' },
    rule: 'argument',
  },
  {
    name: 'relative traversal',
    policy: { ...base, args: { read_file: { path: { under: '/srv/data' } } } },
    tool: 'read_file',
    args: { path: 'reports/../../etc/shadow' },
    rule: 'argument',
  },
  {
    name: 'sibling directory with the same prefix',
    policy: { ...base, args: { read_file: { path: { under: '/srv/data' } } } },
    tool: 'read_file',
    args: { path: '/srv/database/x' },
    rule: 'argument',
  },
  { name: 'amount above max', policy: { ...base, args: { pay: { amount: { max: 1000 } } } }, tool: 'pay', args: { amount: 1000.01 }, rule: 'argument' },
  { name: 'amount below min', policy: { ...base, args: { pay: { amount: { min: 1 } } } }, tool: 'pay', args: { amount: 0 }, rule: 'argument' },
  { name: 'amount not a number', policy: { ...base, args: { pay: { amount: { max: 1000 } } } }, tool: 'pay', args: { amount: '5' }, rule: 'argument' },
  {
    name: 'url not matching pattern',
    policy: { ...base, args: { fetch: { url: { pattern: '^https://' } } } },
    tool: 'fetch',
    args: { url: 'http://x.test' },
    rule: 'argument',
  },
  {
    name: 'value not oneOf',
    policy: { ...base, args: { set_level: { level: { oneOf: ['low', 'high'] } } } },
    tool: 'set_level',
    args: { level: 'max' },
    rule: 'argument',
  },
  { name: 'string too long', policy: { ...base, args: { note: { text: { maxLength: 5 } } } }, tool: 'note', args: { text: 'toolong' }, rule: 'argument' },
  { name: 'required argument missing', policy: { ...base, args: { note: { text: { required: true } } } }, tool: 'note', args: {}, rule: 'argument' },
  {
    name: 'zod schema',
    policy: { ...base, args: { search: z.object({ q: z.string().max(10) }) } },
    tool: 'search',
    args: { q: 'far too long a query' },
    rule: 'argument',
  },
  { name: 'approval needed (audit) / no hook (enforce)', policy: { ...base, requireApproval: ['send_email'] }, tool: 'send_email', args: {}, rule: 'approval' },
];

const passing: RuleCase[] = [
  {
    name: 'path under the directory, with .. resolved inside',
    policy: { ...base, args: { read_file: { path: { under: '/srv/data' } } } },
    tool: 'read_file',
    args: { path: '/srv/data/a/../b.txt' },
    rule: '',
  },
  {
    name: 'relative path',
    policy: { ...base, args: { read_file: { path: { under: '/srv/data' } } } },
    tool: 'read_file',
    args: { path: 'reports/q3.csv' },
    rule: '',
  },
  { name: 'amount at max', policy: { ...base, args: { pay: { amount: { max: 1000 } } } }, tool: 'pay', args: { amount: 1000 }, rule: '' },
  { name: 'https url', policy: { ...base, args: { fetch: { url: { pattern: '^https://' } } } }, tool: 'fetch', args: { url: 'https://x.test' }, rule: '' },
  { name: 'oneOf', policy: { ...base, args: { set_level: { level: { oneOf: ['low', 'high'] } } } }, tool: 'set_level', args: { level: 'low' }, rule: '' },
  { name: 'zod schema', policy: { ...base, args: { search: z.object({ q: z.string().max(10) }) } }, tool: 'search', args: { q: 'llamas' }, rule: '' },
  { name: 'allowed MCP server', policy: { ...base, allowedMcpServers: ['docs'] }, tool: 'search', mcpServer: 'docs', rule: '' },
  { name: 'wildcard tool pattern', policy: { allowedTools: ['fs.*'] }, tool: 'fs.list', rule: '' },
];

describe('policy guard', () => {
  for (const mode of ['audit', 'enforce'] as const) {
    for (const c of violating) {
      it(`${mode}: ${c.name}`, async () => {
        const guard = createPolicyGuard([{ agent: 'research', mode, ...c.policy }]);
        setToolGuard(guard);
        const { ran, error } = await runAs('research', c.tool, c.args, c.mcpServer);
        const expectedRule = c.rule === 'approval' ? (mode === 'audit' ? 'approval_required' : 'approval_failed') : c.rule;
        if (mode === 'enforce') {
          expect(ran).toBe(false);
          expect(PolicyDeniedError.isInstance(error)).toBe(true);
          expect((error as PolicyDeniedError).rule).toBe(expectedRule);
          expect((error as PolicyDeniedError).agent).toBe('research');
          expect(exporter.getFinishedSpans().find((s) => s.name === `execute_tool ${c.tool}`)?.attributes[ATTR_WARDEN_POLICY_DECISION]).toBe('deny');
        } else {
          expect(error).toBeUndefined();
          expect(ran).toBe(true);
          expect(exporter.getFinishedSpans().find((s) => s.name === `execute_tool ${c.tool}`)?.attributes[ATTR_WARDEN_POLICY_DECISION]).toBe('audit_deny');
        }
        expect(alerts).toHaveLength(1);
        expect(alerts[0]).toMatchObject({
          kind: 'policy_violation',
          detector: `policy.${expectedRule}`,
          subject: { agent: 'research', tool: c.tool },
          controls: ['L3.runtime-monitoring', 'L3.least-privilege'],
          severity: mode === 'enforce' ? 'high' : 'medium',
        });
        expect(alerts[0].traceIds).toHaveLength(1);
        expect(decisions).toHaveLength(1);
        expect(decisions[0]).toMatchObject({
          agent: 'research',
          tool: c.tool,
          mode,
          decision: mode === 'audit' ? 'audit_deny' : 'deny',
          rule: expectedRule,
          source: 'traceTool',
        });
        expect(guard.stats()[mode === 'enforce' ? 'denied' : 'auditViolations']).toBe(1);
      });
    }
  }

  for (const c of passing) {
    it(`allows: ${c.name}`, async () => {
      setToolGuard(createPolicyGuard([{ agent: 'research', mode: 'enforce', ...c.policy }]));
      const { ran, error } = await runAs('research', c.tool, c.args, c.mcpServer);
      expect(error).toBeUndefined();
      expect(ran).toBe(true);
      expect(alerts).toEqual([]);
      expect(decisions.map((d) => d.decision)).toEqual(['allow']);
    });
  }

  it('allows agents without a policy and lists them as uncovered; `*` covers the rest', async () => {
    const guard = createPolicyGuard([{ agent: 'research', allowedTools: ['search'] }]);
    setToolGuard(guard);
    expect((await runAs('intern', 'anything', {})).ran).toBe(true);
    expect(guard.uncoveredAgents()).toEqual(['intern']);
    expect(decisions[0]).toMatchObject({ decision: 'allow', rule: 'no_policy' });

    setToolGuard(createPolicyGuard([{ agent: '*', mode: 'enforce', allowedTools: ['search'] }]));
    const { error } = await runAs('intern', 'anything', {});
    expect(PolicyDeniedError.isInstance(error)).toBe(true);
  });
});

describe('human approval', () => {
  const policyWith = (approve: (c: ApprovalRequest) => boolean | Promise<boolean>, approvalTimeoutMs?: number): PolicyInput => ({
    agent: 'ops',
    mode: 'enforce',
    allowedTools: ['send_email'],
    requireApproval: ['send_email'],
    approve,
    ...(approvalTimeoutMs ? { approvalTimeoutMs } : {}),
  });

  it('runs the tool when the hook approves, and passes it the call', async () => {
    const asked: ApprovalRequest[] = [];
    setToolGuard(createPolicyGuard([policyWith(async (c) => (asked.push(c), true))]));
    const { ran, error } = await runAs('ops', 'send_email', { to: 'a@b.test' });
    expect(error).toBeUndefined();
    expect(ran).toBe(true);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ agent: 'ops', tool: 'send_email', arguments: { to: 'a@b.test' }, source: 'traceTool' });
    expect(decisions.map((d) => d.decision)).toEqual(['approved']);
    expect(alerts).toEqual([]);
  });

  it('denies when the hook says no', async () => {
    setToolGuard(createPolicyGuard([policyWith(() => false)]));
    const { ran, error } = await runAs('ops', 'send_email', {});
    expect(ran).toBe(false);
    expect((error as PolicyDeniedError).rule).toBe('approval_denied');
    expect(decisions[0].decision).toBe('approval_denied');
    expect(alerts[0].detector).toBe('policy.approval_denied');
  });

  it('denies when the hook throws, and reports the failure', async () => {
    const errors: string[] = [];
    const off = onInternalError((e) => errors.push(e.where));
    try {
      setToolGuard(
        createPolicyGuard([
          policyWith(() => {
            throw new Error('pager down');
          }),
        ]),
      );
      const { ran, error } = await runAs('ops', 'send_email', {});
      expect(ran).toBe(false);
      expect((error as PolicyDeniedError).rule).toBe('approval_failed');
      expect((error as PolicyDeniedError).reason).toContain('pager down');
    } finally {
      off();
    }
    expect(errors).toEqual(['agents.policy.approve']);
  });

  it('denies when the hook does not answer in time', async () => {
    setToolGuard(createPolicyGuard([policyWith(() => new Promise<boolean>(() => undefined), 20)]));
    const { ran, error } = await runAs('ops', 'send_email', {});
    expect(ran).toBe(false);
    expect((error as PolicyDeniedError).rule).toBe('approval_failed');
    expect((error as PolicyDeniedError).reason).toContain('timed out');
  });

  it('only `true` approves', async () => {
    setToolGuard(createPolicyGuard([policyWith(() => 'yes' as unknown as boolean)]));
    expect((await runAs('ops', 'send_email', {})).ran).toBe(false);
  });
});

describe('tool calls a model requested', () => {
  it('records and alerts, never blocks', () => {
    const guard = createPolicyGuard([{ agent: 'research', mode: 'enforce', allowedTools: ['search'] }]);
    expect(() => guard.observeRequested({ tool: 'shell', agent: { name: 'research' }, source: 'model' })).not.toThrow();
    guard.observeRequested({ tool: 'search', agent: { name: 'research' }, source: 'model' });
    expect(decisions.map((d) => [d.tool, d.decision, d.source])).toEqual([
      ['shell', 'deny', 'model'],
      ['search', 'allow', 'model'],
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'policy_violation', severity: 'medium', subject: { tool: 'shell' } });
    expect(guard.stats().requestedViolations).toBe(1);
  });
});

describe('policy files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-policies-'));
  const write = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('loads JSON and YAML, with defaults', () => {
    const json = loadPolicies(write('p.json', JSON.stringify([{ agent: 'research', allowedTools: ['search'], args: { search: { q: { maxLength: 500 } } } }])));
    expect(json[0]).toMatchObject({ agent: 'research', mode: 'enforce', allowedTools: ['search'], allowedMcpServers: [], requireApproval: [] });
    const yaml = loadPolicies(
      write(
        'p.yaml',
        'policies:\n  - agent: files\n    mode: audit\n    allowedTools: [read_file]\n    args:\n      read_file:\n        path: { under: /srv/data }\n',
      ),
    );
    expect(yaml[0]).toMatchObject({ agent: 'files', mode: 'audit', args: { read_file: { path: { under: '/srv/data' } } } });
    expect(loadPolicies(write('p.yml', '- agent: a\n'))[0].allowedTools).toEqual([]);
  });

  it('names the bad field', () => {
    const bad = (name: string, text: string) => {
      try {
        loadPolicies(write(name, text));
      } catch (e) {
        expect(WardenConfigError.isInstance(e)).toBe(true);
        return (e as Error).message;
      }
      throw new Error('expected a config error');
    };
    expect(bad('a.json', '[{"agent":"x","allowedTools":"search"}]')).toContain('policies[0].allowedTools');
    expect(bad('b.yaml', '- agent: x\n  mode: block\n')).toContain('policies[0].mode');
    expect(bad('c.yaml', '- agent: x\n  args: { fetch: { url: { pattern: "([" } } }\n')).toContain('policies[0].args.fetch.url.pattern');
    expect(bad('d.json', '[{"agent":"x","allowedTool":["a"]}]')).toContain('policies[0]');
    expect(bad('e.json', '[{"agent":"x"},{"agent":"x"}]')).toContain('policies[1].agent');
    expect(bad('f.txt', '[]')).toContain('.json, .yaml or .yml');
    expect(bad('g.json', '[{')).toContain('not valid JSON');
  });
});

describe('policy_violation alert cool-down', () => {
  it('raises one alert per agent·tool·rule within the window, publishes every decision, and counts what it folded', async () => {
    let clock = 1_000_000;
    const guard = createPolicyGuard([{ agent: 'bot', mode: 'audit', allowedTools: ['search'] }], { now: () => clock, alertCooldownMs: 60_000 });
    setToolGuard(guard);
    for (let i = 0; i < 5; i++) await runAs('bot', 'delete_db', {});
    expect(alerts).toHaveLength(1);
    expect(decisions.filter((d) => d.decision === 'audit_deny')).toHaveLength(5);
    await runAs('bot', 'drop_table', {});
    expect(alerts.map((a) => a.subject.tool)).toEqual(['delete_db', 'drop_table']);
    clock += 60_001;
    await runAs('bot', 'delete_db', {});
    expect(alerts).toHaveLength(3);
    expect(alerts[2]!.current).toEqual({ violationsSinceLastAlert: 5 });
  });
});
